import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Sealing of secrets Gatehouse must read back (TOTP seeds, OpenID signing keys) with a key that is not in
 * the database (SEC-MFA-02): a copy of the database alone yields nothing usable.
 *
 * AES-256-GCM with a random 96-bit IV per value. The key is never used directly: each purpose derives
 * its own through HKDF-SHA-256, so the one configured SECRET_KEY can also key cookies or MACs without
 * the uses meeting. The sealed form names the key it was sealed with (an id, not the key), so a key
 * can be rotated: the new one seals, the previous ones still open until every value is resealed.
 * The caller's `context` (e.g. `totp:<factor id>`) is bound as associated data, so a sealed value
 * copied into another row or column does not open there.
 */
const VERSION = 'gh1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** SECRET_KEY's accepted forms: 32 bytes as base64, base64url or hex. */
export function parseSecretKey(text: string): Uint8Array {
  const value = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)
      ? Buffer.from(value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url')
      : Buffer.alloc(0);
  if (bytes.length !== KEY_BYTES)
    throw new SecretBoxError(
      'a secret key is 32 random bytes, written as 64 hex digits or 43–44 base64 characters',
    );
  return new Uint8Array(bytes);
}

/** A new key in the form SECRET_KEY takes (base64url of 32 CSPRNG bytes). */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/** A short public name for a key: the start of its SHA-256, so sealed values say which key opens them. */
export function secretKeyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

function derive(key: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `gatehouse ${purpose}`, KEY_BYTES));
}

export class SecretBox {
  readonly currentKeyId: string;
  private readonly sealing: Buffer;
  private readonly opening: ReadonlyMap<string, Buffer>;
  private readonly keys: readonly Uint8Array[];

  /** `current` seals; it and `previous` open (key rotation). */
  constructor(current: Uint8Array, previous: readonly Uint8Array[] = []) {
    if (current.length !== KEY_BYTES) throw new SecretBoxError('a secret key is 32 bytes');
    this.keys = [current, ...previous];
    this.currentKeyId = secretKeyId(current);
    this.sealing = derive(current, 'secret-box v1');
    this.opening = new Map(this.keys.map((key) => [secretKeyId(key), derive(key, 'secret-box v1')]));
  }

  seal(plaintext: string | Uint8Array, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealing, iv);
    cipher.setAAD(aad(this.currentKeyId, context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.currentKeyId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    return this.openBytes(sealed, context).toString('utf8');
  }

  openBytes(sealed: string, context: string): Buffer {
    const [version, keyId, iv, body, extra] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !body || extra !== undefined)
      throw new SecretBoxError('not a sealed value');
    const key = this.opening.get(keyId);
    if (!key)
      throw new SecretBoxError(`sealed with key ${keyId}, which is not configured (SECRET_KEY_PREVIOUS?)`);
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < TAG_BYTES) throw new SecretBoxError('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SecretBoxError('the sealed value does not open here: altered, or sealed for another context');
    }
  }

  /** True when `sealed` was sealed with a previous key and should be sealed again with the current one. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }

  /**
   * Key material for another purpose (cookie signing, MACs), derived from the current key and each
   * previous one, newest first, so the purpose can verify what older keys made.
   */
  derivedKeys(purpose: string): Buffer[] {
    if (purpose === 'secret-box v1') throw new SecretBoxError('that purpose is the box’s own');
    return this.keys.map((key) => derive(key, purpose));
  }
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}|${keyId}|${context}`, 'utf8');
}
