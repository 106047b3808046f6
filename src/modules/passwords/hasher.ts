import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';
import { Semaphore } from '../../shared/semaphore.js';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP / ASVS baseline (SEC-PS-01). */
export const PRODUCTION_ARGON2: Argon2Params = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against a stored hash, or against a dummy hash when there is none, so every path costs one verify. */
  verify(storedHash: string | null, password: string): Promise<boolean>;
  needsRehash(storedHash: string): boolean;
  /** Hashes waiting for a worker: exported as a metric, and a sign of a flood. */
  queueDepth(): number;
}

/** Passwords are compared in NFKC, so composed and decomposed input sign in alike (SEC-PW-01). */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * argon2id on libuv's thread pool (off the event loop), with a semaphore so at most `concurrency`
 * hashes run at once and a flood of wrong passwords queues instead of starving other work (SEC-PS-02).
 */
export function createArgon2Hasher(params: Argon2Params, concurrency: number): PasswordHasher {
  const gate = new Semaphore(concurrency);
  // Algorithm is an ambient const enum; 2 is its Argon2id member.
  const options = { algorithm: 2 as Algorithm, ...params, outputLen: 32 };
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= argon2Hash('gatehouse-dummy-password-for-equal-work', options));

  return {
    hash: (password) => gate.run(() => argon2Hash(normalizePassword(password), options)),
    async verify(storedHash, password) {
      const target = storedHash ?? (await dummyHash());
      const ok = await gate.run(() => argon2Verify(target, normalizePassword(password)).catch(() => false));
      return storedHash !== null && ok;
    },
    needsRehash(storedHash) {
      const m = PHC.exec(storedHash);
      if (!m) return true;
      return (
        Number(m[1]) !== params.memoryCost ||
        Number(m[2]) !== params.timeCost ||
        Number(m[3]) !== params.parallelism
      );
    },
    queueDepth: () => gate.waiting(),
  };
}
