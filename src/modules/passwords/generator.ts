import { randomInt } from 'node:crypto';

/** Lower-case letters and digits without look-alikes (0/o, 1/l/i): 31 symbols, about 4.95 bits each. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 6;
const GROUP_LENGTH = 5;

/** Bits of entropy in a generated password: 30 symbols × log2(31) ≈ 148.6 (SEC-TMP-05 asks ≥ 128). */
export const GENERATED_PASSWORD_BITS = GROUPS * GROUP_LENGTH * Math.log2(ALPHABET.length);

/**
 * A strong, readable password such as `k7m3q-x9t2w-…`: groups of five, typed or read aloud easily.
 * Six groups (35 characters) unless the policy's minimum length asks for more: then the groups go on
 * until it is met, so a generated password always satisfies the configured minimum.
 */
export function generatePassword(minLength = 0): string {
  const length = Math.max(GROUPS * GROUP_LENGTH + GROUPS - 1, minLength);
  let password = '';
  for (let i = 0; i < length; i += 1) {
    const separator = i % (GROUP_LENGTH + 1) === GROUP_LENGTH && i !== length - 1;
    password += separator ? '-' : ALPHABET[randomInt(ALPHABET.length)];
  }
  return password;
}
