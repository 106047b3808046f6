import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../database.js';
import { matchTotp, totpCode, totpStep } from '../../src/modules/mfa/totp.js';
import { newRecoveryCode, normalizeRecoveryCode } from '../../src/modules/mfa/recovery-codes.js';
import { buildTestApp, request, signedIn } from '../harness.js';
import { codeAt, enrollTotp, passwordStep } from '../mfa/helpers.js';

const RFC_SEED_ASCII = '12345678901234567890';
const base32 = (ascii: string) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of Buffer.from(ascii)) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
};

describe('TOTP (RFC 6238)', () => {
  it('SEC-MFA-01: the RFC 6238 Appendix B SHA-1 vectors pass through the code Gatehouse uses', () => {
    const seed = base32(RFC_SEED_ASCII);
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, expected] of vectors)
      expect(totpCode(seed, totpStep(seconds * 1000), 8)).toBe(expected);
  });

  it('SEC-MFA-01: ±1 step of drift is accepted, 2 steps are not, and never a step at or before the last accepted', () => {
    const seed = base32(RFC_SEED_ASCII);
    const now = 1_700_000_000_000;
    const step = totpStep(now);
    expect(matchTotp(seed, totpCode(seed, step), now, null)).toBe(step);
    expect(matchTotp(seed, totpCode(seed, step - 1), now, null)).toBe(step - 1);
    expect(matchTotp(seed, totpCode(seed, step + 1), now, null)).toBe(step + 1);
    expect(matchTotp(seed, totpCode(seed, step - 2), now, null)).toBeNull();
    expect(matchTotp(seed, totpCode(seed, step + 2), now, null)).toBeNull();
    expect(matchTotp(seed, totpCode(seed, step), now, step)).toBeNull();
    expect(matchTotp(seed, totpCode(seed, step - 1), now, step - 1)).toBeNull();
    expect(matchTotp(seed, 'abcdef', now, null)).toBeNull();
  });
});

describe('enrollment and recovery codes', () => {
  it('SEC-MFA-02: the seed is stored sealed under the factor id, never in clear', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t);
    const { factorId: id, secret } = await enrollTotp(t, user.cookie);
    const row = await t.db.db
      .selectFrom('mfaFactors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secretSealed).not.toContain(secret);
    expect(row.status).toBe('active');
    expect(t.app.secrets.open(row.secretSealed as string, `totp:${id}`)).toBe(secret);
    expect(() => t.app.secrets.open(row.secretSealed as string, 'totp:another-row')).toThrow();
  });

  it('SEC-MFA-03: ten codes of 80 random bits come with the first factor, stored as SHA-256, shown once', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t);
    const { recoveryCodes, secret } = await enrollTotp(t, user.cookie);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes)
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    const rows = await t.db.db
      .selectFrom('mfaRecoveryCodes')
      .selectAll()
      .where('userId', '=', user.id)
      .execute();
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ''));
    }
    // A second authenticator brings no new codes; the list shows how many remain, never the codes.
    const second = await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/factors/totp' });
    const { id } = second.json<{ id: string }>();
    const seed2 = second.json<{ secret: string }>().secret;
    const confirmed = await request(t, user.cookie, {
      method: 'POST',
      url: `/api/v1/me/factors/totp/${id}/confirm`,
      payload: { code: codeAt(t, seed2) },
    });
    expect(confirmed.json()).not.toHaveProperty('recoveryCodes');
    const list = await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' });
    expect(list.json()).toMatchObject({ totp: [{}, {}], passkeys: [], recoveryCodes: { remaining: 10 } });
    expect(list.body).not.toContain(secret);
  });

  it('SEC-MFA-03: a code works once; regenerating replaces the whole set', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t);
    const { recoveryCodes } = await enrollTotp(t, user.cookie);
    const [first, second] = recoveryCodes as [string, string];
    const pending = await passwordStep(t, user.email, user.password);
    // Typed in lower case without dashes, it still reads as the code.
    const ok = await request(t, pending.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      payload: { method: 'recovery_code', code: first.toLowerCase().replace(/-/g, ' ') },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await passwordStep(t, user.email, user.password);
    const reused = await request(t, again.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      payload: { method: 'recovery_code', code: first },
    });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.code).toBe('invalid_code');

    const regenerated = await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/recovery-codes' });
    expect(regenerated.statusCode, regenerated.body).toBe(200);
    const codes = regenerated.json<{ codes: string[] }>().codes;
    expect(codes).toHaveLength(10);
    const old = await request(t, again.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      payload: { method: 'recovery_code', code: second },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await request(t, again.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      payload: { method: 'recovery_code', code: codes[3] },
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
    const list = await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' });
    expect(list.json().recoveryCodes.remaining).toBe(9);
  });

  it('SEC-MFA-03: recovery codes are 16 base32 characters (80 bits) and read back whatever the case or dashes', () => {
    const code = newRecoveryCode();
    expect(normalizeRecoveryCode(code)).toHaveLength(16);
    expect(normalizeRecoveryCode(code.toLowerCase())).toBe(normalizeRecoveryCode(code));
    expect(normalizeRecoveryCode('not a code')).toBeNull();
  });
});

describe('the database at rest', () => {
  it('SEC-MFA-02 / SEC-MFA-03: the database holds no TOTP seed and no recovery code in clear (the SQLite file, every PostgreSQL row)', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t);
    const { secret, recoveryCodes } = await enrollTotp(t, user.cookie);
    const regenerated = (
      await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/recovery-codes' })
    ).json().codes as string[];
    // Mail bodies are scrubbed once sent; none of these notices carries a secret anyway.
    let haystack: string;
    if (TEST_DIALECT === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mfa-file-'));
      const file = join(dir, 'copy.sqlite');
      // The in-memory test database written out as the file a deployment would hold.
      await sql`VACUUM INTO ${file}`.execute(t.db.db);
      haystack = readFileSync(file).toString('latin1');
      expect(haystack.length).toBeGreaterThan(10_000);
      expect(haystack).toContain(user.email);
      rmSync(dir, { recursive: true, force: true });
    } else {
      const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.db.db);
      const parts: string[] = [];
      for (const { name } of tables.rows) {
        const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(
          t.db.db,
        );
        parts.push(...rows.rows.map((r) => r.row));
      }
      haystack = parts.join('\n');
      expect(haystack).toContain(user.email);
    }
    const forms = (code: string) => [code, code.replace(/-/g, ''), code.toLowerCase()];
    expect(haystack).not.toContain(secret);
    for (const code of [...recoveryCodes, ...regenerated])
      for (const form of forms(code)) expect(haystack).not.toContain(form);
  });
});
