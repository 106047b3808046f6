import { randomBytes } from 'node:crypto';

/** Ten codes per set (SEC-MFA-03). */
export const RECOVERY_CODE_COUNT = 10;

/*
 * A code is 16 characters of Crockford's base32 (80 bits from the CSPRNG), shown as four groups of
 * four. SHA-256 is enough to store them: a slow hash defends guessable secrets (passwords); against
 * 2^80 possibilities per code no hash speed makes an offline search worthwhile, and a fast hash keeps
 * the second step free of argon2's cost (issue 13's sign-in throughput target).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 16;

export function newRecoveryCode(): string {
  const bytes = randomBytes(CODE_CHARS);
  let code = '';
  // 256 is a multiple of 32: each byte's low five bits are uniform.
  for (const byte of bytes) code += ALPHABET[byte & 31];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12)}`;
}

/**
 * What a typed code is compared as: case, spaces and dashes do not matter, and the letters people
 * confuse (O/0, I/L/1) read as Crockford's base32 reads them. Null when it cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== CODE_CHARS || [...cleaned].some((c) => !ALPHABET.includes(c))) return null;
  return cleaned;
}
