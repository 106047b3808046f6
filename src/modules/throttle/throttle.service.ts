import type { Executor } from '../../db/db.js';
import { MINUTE, HOUR } from '../../shared/clock.js';
import * as store from './throttle.store.js';

/**
 * Brute-force protection modelled on Keycloak's detector without its permanent lockout (SEC-BF-01..05):
 * 10 consecutive failures lock the account for 1 minute, each further 10 for one minute more, at most
 * 15 minutes; the count resets on success or after 12 quiet hours. Counters live in the database, so
 * every node shares them.
 */
export const ACCOUNT_LOCKOUT: store.LockoutPolicy = {
  threshold: 10,
  stepMs: MINUTE,
  maxMs: 15 * MINUTE,
  resetAfterMs: 12 * HOUR,
};

/** Per-client-IP limits (SEC-BF-04) and the per-address limit on reset mail (SEC-ENUM-03). */
export const RATE_LIMITS = {
  signInFailuresPerIp: { limit: 100, windowMs: 15 * MINUTE },
  forgotPasswordPerIp: { limit: 10, windowMs: HOUR },
  resetMailsPerAddress: { limit: 3, windowMs: HOUR },
  // Wrong current passwords in a password change (SEC-PW-07): per user, and per session or token.
  // The account itself is never locked by them (see the SEC-PW-07 deviation in docs/SECURITY.md).
  currentPasswordPerUser: { limit: 5, windowMs: 15 * MINUTE },
  currentPasswordPerCredential: { limit: 5, windowMs: 15 * MINUTE },
  /** Invitations a member (not an admin) may send per hour when members may invite (issue 10, item 7). */
  invitationsPerInviter: { limit: 20, windowMs: HOUR },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

/**
 * Counts a sign-in attempt against the account before its password is checked, in the same atomic
 * statement as a failure, so a burst of parallel guesses cannot outrun the lockout (SEC-BF-05): of
 * any number of concurrent attempts at most `threshold` get their password checked. Null when the
 * account is locked (the attempt is not counted and must fail). A success then clears the count, so
 * only failures remain.
 */
export async function reserveSignInAttempt(
  exec: Executor,
  accountKey: string,
  now: number,
): Promise<{ lockoutStarted: boolean; lockedUntil: number | null } | null> {
  const row = await store.addFailure(exec, accountKey, now, ACCOUNT_LOCKOUT);
  if (!row) return null;
  const started =
    row.failures % ACCOUNT_LOCKOUT.threshold === 0 && row.lockedUntil !== null && row.lockedUntil > now;
  return { lockoutStarted: started, lockedUntil: started ? row.lockedUntil : null };
}

/** A success, a completed reset, or an admin unlock clears the account's count and lockout (SEC-BF-02/03). */
export async function clearAccountThrottle(exec: Executor, accountKey: string): Promise<void> {
  await store.clear(exec, accountKey);
}

export async function failedAttempts(exec: Executor, accountKey: string): Promise<number> {
  return store.failureCount(exec, accountKey);
}

/**
 * The accounts among these whose sign-in is locked. `now` is a time already read, or null (nowValue's
 * answer on PostgreSQL with a node's clock) to compare with the database's time inside the query,
 * which spares a list page a round trip for reading the time (issue 18 item 10).
 */
export async function lockedAccounts(
  exec: Executor,
  accountKeys: string[],
  now: number | null,
): Promise<Map<string, number>> {
  return store.lockedUntilMany(exec, accountKeys, now);
}

export interface RateVerdict {
  allowed: boolean;
  /** Events counted in the window so far, this one included. */
  count: number;
  /** Seconds until the window ends, for Retry-After. */
  retryAfterSeconds: number;
  /** The window the event was counted in (for releaseRateLimit). */
  windowStart: number;
}

function verdict(
  count: number,
  windowStart: number,
  now: number,
  name: RateLimitName,
  inclusive: boolean,
): RateVerdict {
  const { limit, windowMs } = RATE_LIMITS[name];
  const allowed = inclusive ? count <= limit : count < limit;
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
  return { allowed, count, retryAfterSeconds, windowStart };
}

/** Counts one event against a limit and says whether it is still within it. */
export async function hitRateLimit(
  exec: Executor,
  name: RateLimitName,
  subject: string,
  now: number,
): Promise<RateVerdict> {
  const { count, windowStart } = await store.hit(exec, `${name}:${subject}`, now, RATE_LIMITS[name].windowMs);
  return verdict(count, windowStart, now, name, true);
}

/**
 * Gives back an event counted by hitRateLimit, in the window it was counted in: sign-in counts each
 * attempt before checking the password (so parallel requests cannot exceed the limit) and gives
 * the count back when the attempt succeeds, so only failures remain counted.
 */
export async function releaseRateLimit(
  exec: Executor,
  name: RateLimitName,
  subject: string,
  counted: RateVerdict,
): Promise<void> {
  await store.release(exec, `${name}:${subject}`, counted.windowStart);
}

/** How many accounts are locked right now (a metric). */
/** The accounts locked at `now`, as a subquery (Manage users' `status=locked` filter). */
export function lockedAccountsQuery(exec: Executor, now: number) {
  return store.lockedKeysQuery(exec, now);
}

export async function lockedAccountCount(exec: Executor, now: number): Promise<number> {
  return store.countLocked(exec, now);
}
