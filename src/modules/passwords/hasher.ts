import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';
import { commonErrors } from '../../shared/common.errors.js';
import { FairSemaphore, FairShareExceeded, type FairKey } from '../../shared/fair-semaphore.js';

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

/**
 * Who asks for a hash, so the pool is shared fairly (SEC-PS-02): the client's address and, when
 * signed in, the session or token. Without one (the CLI, start-up) the work is the operator's own
 * and is not capped.
 */
export interface HashCaller {
  ip: string | null;
  /** The signed-in caller: `session:<id>`, `token:<id>`, or `user:<id>` where only the user is known. */
  credential?: string | null;
}

/** The caller of a service that knows only the audit context: its address and user, if any. */
export function hashCallerOf(actor: { ip: string | null; actorId: string | null }): HashCaller {
  return { ip: actor.ip, credential: actor.actorId ? `user:${actor.actorId}` : null };
}

/** How much of the pool one caller may hold (queued + running) before more is refused with 429. */
export interface HashShare {
  /** Per client address, all its sessions, tokens and anonymous requests together. */
  perIp: number;
  /** Per session or API token. */
  perCredential: number;
}

export const DEFAULT_HASH_SHARE: HashShare = Object.freeze({ perIp: 32, perCredential: 4 });

export interface PasswordHasher {
  /** Throws 429 rate_limited (Retry-After) when the caller already holds its share of the pool. */
  hash(password: string, caller?: HashCaller): Promise<string>;
  /** Verifies against a stored hash, or against a dummy hash when there is none, so every path costs one verify. */
  verify(storedHash: string | null, password: string, caller?: HashCaller): Promise<boolean>;
  needsRehash(storedHash: string): boolean;
  /** Hashes waiting for a worker: exported as a metric, and a sign of a flood. */
  queueDepth(): number;
}

/** Passwords are compared in NFKC, so composed and decomposed input sign in alike (SEC-PW-01). */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

const UNCAPPED = Number.MAX_SAFE_INTEGER;

/** A refused caller may try again as soon as one of its hashes is done: well under a second. */
const FULL_RETRY_AFTER_SECONDS = 1;

/**
 * argon2id on libuv's thread pool (off the event loop), with a gate so at most `concurrency` hashes
 * run at once and a flood of wrong passwords queues instead of starving other work (SEC-PS-02). The
 * gate admits work per caller (SEC-PS-02, issue 10): waiting hashes are served round-robin across
 * client addresses and, within one, across sessions and tokens, and no caller may hold more than its
 * share; so one session with hundreds of connections delays a sign-in from elsewhere by at most one
 * hash per other active caller, instead of by its whole queue.
 */
export function createArgon2Hasher(
  params: Argon2Params,
  concurrency: number,
  share: HashShare = DEFAULT_HASH_SHARE,
): PasswordHasher {
  const gate = new FairSemaphore(concurrency);
  const admit = <T>(caller: HashCaller | undefined, task: () => Promise<T>): Promise<T> =>
    gate.run(fairKey(caller, share), task).catch((error: unknown) => {
      if (error instanceof FairShareExceeded)
        throw commonErrors.rate_limited().withRetryAfter(FULL_RETRY_AFTER_SECONDS);
      throw error;
    });
  // Algorithm is an ambient const enum; 2 is its Argon2id member.
  const options = { algorithm: 2 as Algorithm, ...params, outputLen: 32 };
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= argon2Hash('gatehouse-dummy-password-for-equal-work', options));

  return {
    hash: (password, caller) => admit(caller, () => argon2Hash(normalizePassword(password), options)),
    async verify(storedHash, password, caller) {
      const target = storedHash ?? (await dummyHash());
      const ok = await admit(caller, () =>
        argon2Verify(target, normalizePassword(password)).catch(() => false),
      );
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

/**
 * The gate's key: the client address is the group, the session or token the lane; anonymous work of
 * an address (sign-ins, resets, accepting invitations) shares one lane, which may use the address's
 * whole share. Work without an address is the operator's (CLI, start-up) and is not capped.
 */
function fairKey(caller: HashCaller | undefined, share: HashShare): FairKey {
  if (!caller?.ip) return { group: 'operator', lane: 'operator', groupLimit: UNCAPPED, laneLimit: UNCAPPED };
  const credential = caller.credential ?? null;
  return {
    group: `ip:${caller.ip}`,
    lane: credential ?? 'anonymous',
    groupLimit: share.perIp,
    laneLimit: credential ? share.perCredential : share.perIp,
  };
}
