import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, type Config } from '../config/config.js';
import { generateSecretKey, parseSecretKey, SecretBox } from '../shared/secret-box.js';

export interface OpenedSecretBox {
  box: SecretBox;
  /** Where the key came from, for the start-up log (never the key itself). */
  source: 'environment' | 'file' | 'memory';
  /** The key file used, and whether this start created it. */
  keyFile?: { path: string; created: boolean };
}

/** The zero-setup key file: beside the SQLite database, named after it, so each database has its own. */
export function keyFilePath(databasePath: string): string {
  return `${databasePath}.secret-key`;
}

/**
 * The box that seals stored secrets (SEC-MFA-02), from SECRET_KEY when set. Without it:
 * - SQLite keeps a key in a file beside the database (created at first start, mode 0600). A copy of the
 *   database alone then yields no secret; the backup must take the key file too, stored apart.
 * - An in-memory SQLite database (tests) gets a key that lives as long as it does.
 * - PostgreSQL refuses: every node must seal and open with the same key, and a key file on one
 *   machine would silently differ from another's.
 */
export function openSecretBox(config: Config): OpenedSecretBox {
  const { current, previous } = config.secretKey;
  if (current) return { box: new SecretBox(current, previous), source: 'environment' };
  const target = config.database;
  if (target.kind === 'postgres')
    throw new ConfigError(
      'SECRET_KEY=(unset): expected a key shared by every node when DATABASE_URL is PostgreSQL; ' +
        'generate one with `openssl rand -base64 32` and give every node the same value',
    );
  if (target.path === ':memory:')
    return { box: new SecretBox(parseSecretKey(generateSecretKey()), previous), source: 'memory' };
  const path = keyFilePath(target.path);
  const created = createKeyFileOnce(path);
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077)
    throw new ConfigError(
      `${path}: the secret key file is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`,
    );
  let key: Uint8Array;
  try {
    key = parseSecretKey(readFileSync(path, 'utf8'));
  } catch {
    throw new ConfigError(`${path}: not a secret key (expected 32 bytes in base64 or hex, one line)`);
  }
  return { box: new SecretBox(key, previous), source: 'file', keyFile: { path, created } };
}

/**
 * Creates the key file unless it exists. Written aside and then hard-linked into place, so that two
 * processes starting at once agree on one key and neither can read a half-written file.
 */
function createKeyFileOnce(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(aside, `${generateSecretKey()}\n`, { flag: 'wx', mode: 0o600 });
  try {
    // The umask may have narrowed the mode further, never widened it; set it exactly.
    chmodSync(aside, 0o600);
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}
