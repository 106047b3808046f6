import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyFilePath, openSecretBox } from '../../src/app/secret-keys.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import {
  generateSecretKey,
  parseSecretKey,
  SecretBox,
  SecretBoxError,
  secretKeyId,
} from '../../src/shared/secret-box.js';
import { runGatehouse } from '../cli/run.js';

/**
 * The box that seals stored secrets (TOTP seeds, OpenID signing keys) with a key kept out of the
 * database (SEC-MFA-02), and where that key comes from at start-up.
 */
const workdir = mkdtempSync(join(tmpdir(), 'gatehouse-secret-box-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const key = () => parseSecretKey(generateSecretKey());

describe('secret box', () => {
  it('SEC-MFA-02: a sealed value opens with its key and context, and shows nothing of the plaintext', () => {
    const box = new SecretBox(key());
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:factor-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed.startsWith(`gh1.${box.currentKeyId}.`)).toBe(true);
    expect(box.open(sealed, 'totp:factor-1')).toBe('JBSWY3DPEHPK3PXP');
    // Random IVs: the same secret sealed twice gives two different values.
    expect(box.seal('JBSWY3DPEHPK3PXP', 'totp:factor-1')).not.toBe(sealed);
  });

  it('SEC-MFA-02: a value does not open under another context, another key, or once altered', () => {
    const box = new SecretBox(key());
    const sealed = box.seal('seed', 'totp:factor-1');
    expect(() => box.open(sealed, 'totp:factor-2')).toThrow(SecretBoxError);
    expect(() => new SecretBox(key()).open(sealed, 'totp:factor-1')).toThrow(/not configured/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    const altered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    expect(() => box.open(altered, 'totp:factor-1')).toThrow(SecretBoxError);
    expect(() => box.open('not-sealed', 'totp:factor-1')).toThrow(SecretBoxError);
  });

  it('SEC-MFA-02: after rotation the new key seals and the previous one still opens older values', () => {
    const old = key();
    const sealedBefore = new SecretBox(old).seal('seed', 'ctx');
    const rotated = new SecretBox(key(), [old]);
    expect(rotated.open(sealedBefore, 'ctx')).toBe('seed');
    expect(rotated.isStale(sealedBefore)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedBefore, 'ctx'), 'ctx');
    expect(rotated.isStale(resealed)).toBe(false);
    expect(resealed.split('.')[1]).toBe(rotated.currentKeyId);
  });

  it('derives separate keys per purpose, never the sealing key itself', () => {
    const box = new SecretBox(key(), [key()]);
    const [cookies, older] = box.derivedKeys('oidc cookies');
    expect(cookies).toHaveLength(32);
    expect(older).toHaveLength(32);
    expect(cookies?.equals(box.derivedKeys('another purpose')[0] ?? Buffer.alloc(0))).toBe(false);
    expect(() => box.derivedKeys('secret-box v1')).toThrow(SecretBoxError);
  });

  it('SECRET_KEY accepts 32 bytes as base64, base64url or hex, and names nothing of a refused value', () => {
    const raw = Buffer.from(key());
    for (const form of [raw.toString('base64'), raw.toString('base64url'), raw.toString('hex')])
      expect(secretKeyId(parseSecretKey(form))).toBe(secretKeyId(raw));
    const nearMiss = raw.toString('hex').slice(0, 62);
    let thrown: unknown;
    try {
      loadConfig({ SECRET_KEY: nearMiss });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(String((thrown as Error).message)).toContain('SECRET_KEY=(a value, not shown)');
    expect(String((thrown as Error).message)).not.toContain(nearMiss);
    expect(() => loadConfig({ SECRET_KEY_PREVIOUS: `${raw.toString('hex')},nope` })).toThrow(
      /SECRET_KEY_PREVIOUS/,
    );
  });
});

describe('where the key comes from', () => {
  it('SEC-MFA-02: zero-setup SQLite creates a key file beside the database, mode 0600, and reuses it', () => {
    const databasePath = join(workdir, 'zero', 'gatehouse.sqlite');
    const config = loadConfig({ DATABASE_URL: databasePath });
    const first = openSecretBox(config);
    expect(first.source).toBe('file');
    expect(first.keyFile).toEqual({ path: keyFilePath(databasePath), created: true });
    expect(statSync(keyFilePath(databasePath)).mode & 0o777).toBe(0o600);
    const sealed = first.box.seal('seed', 'ctx');
    const again = openSecretBox(config);
    expect(again.keyFile?.created).toBe(false);
    expect(again.box.open(sealed, 'ctx')).toBe('seed');
    // The database file never holds the key: it lives only in the key file.
    expect(readFileSync(keyFilePath(databasePath), 'utf8').trim()).toHaveLength(43);
  });

  it('SEC-MFA-02: a key file other users can read is refused, naming the file and the fix', () => {
    const databasePath = join(workdir, 'open', 'gatehouse.sqlite');
    openSecretBox(loadConfig({ DATABASE_URL: databasePath }));
    chmodSync(keyFilePath(databasePath), 0o644);
    expect(() => openSecretBox(loadConfig({ DATABASE_URL: databasePath }))).toThrow(/chmod 600/);
    chmodSync(keyFilePath(databasePath), 0o600);
    writeFileSync(keyFilePath(databasePath), 'not a key\n');
    expect(() => openSecretBox(loadConfig({ DATABASE_URL: databasePath }))).toThrow(/not a secret key/);
  });

  it('SEC-MFA-02: SECRET_KEY wins over the key file, with SECRET_KEY_PREVIOUS still opening', () => {
    const databasePath = join(workdir, 'env', 'gatehouse.sqlite');
    const fromFile = openSecretBox(loadConfig({ DATABASE_URL: databasePath }));
    const sealed = fromFile.box.seal('seed', 'ctx');
    const previous = readFileSync(keyFilePath(databasePath), 'utf8').trim();
    const configured = openSecretBox(
      loadConfig({
        DATABASE_URL: databasePath,
        SECRET_KEY: generateSecretKey(),
        SECRET_KEY_PREVIOUS: previous,
      }),
    );
    expect(configured.source).toBe('environment');
    expect(configured.box.open(sealed, 'ctx')).toBe('seed');
    expect(configured.box.isStale(sealed)).toBe(true);
  });

  it('SEC-MFA-02: PostgreSQL without SECRET_KEY refuses to start (exit 78) before connecting', async () => {
    expect(() => openSecretBox(loadConfig({ DATABASE_URL: 'postgres://gh@127.0.0.1:1/gatehouse' }))).toThrow(
      ConfigError,
    );
    // Port 1 has no database: reaching it would fail differently, so exit 78 proves the check came first.
    const run = await runGatehouse(['serve'], {
      cwd: workdir,
      env: { DATABASE_URL: 'postgres://gh@127.0.0.1:1/gatehouse', PORT: '0', LOG_LEVEL: 'silent' },
    });
    expect(run.code).toBe(78);
    expect(run.stderr.trim()).toMatch(
      /^gatehouse: configuration: SECRET_KEY=\(unset\): expected a key shared by every node/,
    );
  });
});
