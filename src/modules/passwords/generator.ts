import { randomInt } from 'node:crypto';

/** Lower-case letters and digits without look-alikes (0/o, 1/l/i): 31 symbols, about 4.95 bits each. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 6;
const GROUP_LENGTH = 5;

/** Bits of entropy in a generated password: 30 symbols × log2(31) ≈ 148.6 (SEC-TMP-05 asks ≥ 128). */
export const GENERATED_PASSWORD_BITS = GROUPS * GROUP_LENGTH * Math.log2(ALPHABET.length);

/** A strong, readable password such as `k7m3q-x9t2w-…`: six groups of five, typed or read aloud easily. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g += 1) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i += 1) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}
