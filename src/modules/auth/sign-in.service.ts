import { inTx } from '../../db/context.js';
import { dbNow, timeAlreadyRead } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { commonErrors } from '../../shared/common.errors.js';
import { recordAuditEvent } from '../audit/index.js';
import { queueLockoutNotice } from '../recovery/index.js';
import * as mfa from '../mfa/index.js';
import { startSession } from '../sessions/index.js';
import {
  clearAccountThrottle,
  clientRateKey,
  hitRateLimit,
  releaseRateLimit,
  reserveSignInAttempt,
} from '../throttle/index.js';
import * as users from '../users/index.js';
import { authErrors } from './auth.errors.js';
import { credentialsAndFactors } from './sign-in.store.js';
import type { AuthCtx, PendingSecondStep, SignedIn } from './auth.service.js';

export type FailureReason =
  | 'unknown_email'
  | 'wrong_password'
  | 'deactivated'
  | 'temporary_password_expired'
  | 'locked'
  | 'wrong_code'
  | 'unknown_passkey'
  | 'wrong_passkey';

/** A pending second step lives this long: enough to open an app and type a code, short for a thief. */
export const MFA_PENDING_MS = 10 * 60_000;

/**
 * Sign-in does exactly one password verification on every path, so unknown emails, wrong passwords,
 * deactivated or locked accounts and expired temporary passwords cost the same and answer the same
 * (SEC-ENUM-01). Failures feed the per-account lockout and the per-IP limit (SEC-BF-01..05).
 */
export async function signIn(
  deps: AuthCtx,
  actor: ActorContext,
  input: { email: string; password: string },
): Promise<SignedIn | PendingSecondStep> {
  const email = users.normalizeEmail(input.email);
  const ip = clientRateKey(actor.ip, deps.config.ipv6RateLimitPrefix);
  // The IP and the account count this attempt before the password is checked, each in one atomic
  // statement, so a burst of parallel guesses cannot outrun either limit (SEC-BF-05). A success
  // gives both counts back, so only failures stay counted. Both counts commit together: one
  // durable commit fewer per sign-in (on SQLite a commit's fsync holds up the event loop). The IP's
  // row is taken before the account's, here and when a success gives them back.
  const { ipHit, attempt } = await deps.db.transaction().execute(async (trx) => {
    // The database's time decides the window and the lockout, whichever node counts (SEC-BF-06).
    const now = await dbNow(trx, deps.clock);
    const hit = await hitRateLimit(trx, 'signInFailuresPerIp', ip, now);
    if (!hit.allowed) return { ipHit: hit, attempt: null };
    return { ipHit: hit, attempt: await reserveSignInAttempt(trx, email, now) };
  });
  if (!ipHit.allowed) throw commonErrors.rate_limited().withRetryAfter(ipHit.retryAfterSeconds);

  const { found, factors } = await credentialsOf(deps, email);
  const passwordOk = await deps.hasher.verify(found?.passwordHash ?? null, input.password, { ip: actor.ip });
  // Read again after the hash: a temporary password expiring while it was being checked has expired.
  const now = await dbNow(deps.db, deps.clock);

  let failure: FailureReason | null = null;
  if (!found) failure = 'unknown_email';
  else if (attempt === null) failure = 'locked';
  else if (!passwordOk) failure = 'wrong_password';
  else if (found.status !== 'active') failure = 'deactivated';
  else if (found.temporary && (found.temporaryExpiresAt ?? 0) <= now) failure = 'temporary_password_expired';

  if (failure || !found) {
    await recordFailure(deps, actor, email, found, failure ?? 'unknown_email', attempt);
    throw authErrors.invalid_credentials();
  }

  // Hashes made with older parameters are upgraded now that we hold the clear password (SEC-PS-02).
  const upgraded =
    found.passwordHash && deps.hasher.needsRehash(found.passwordHash)
      ? await deps.hasher.hash(input.password, { ip: actor.ip })
      : undefined;
  const user = found.user;
  // The session starts at the time read after the hash: no second read of the clock (issue 18 item 10).
  const atNow = { ...deps, clock: timeAlreadyRead(now) };
  // A password alone never yields a full session for a user with a factor or whose role requires
  // one (SEC-MFA-05): the session is restricted until the second step or the enrollment.
  const secondStep = mfa.signInRequirement(deps, user, factors, now);
  const { session } = await deps.db.transaction().execute(async (trx) => {
    const started = await startSession(trx, atNow, {
      userId: user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
      restriction: secondStep.restriction,
      ...(secondStep.restriction === 'mfa' ? { lifetimeMs: MFA_PENDING_MS } : {}),
    });
    if (secondStep.restriction === 'mfa') {
      // The account's count is not given back yet: this attempt stays counted until the second step
      // succeeds, so a thief holding the password gets no more guesses at codes than at passwords
      // (SEC-BF-01). Upgraded hashes wait for the full sign-in too.
      await releaseRateLimit(trx, 'signInFailuresPerIp', ip, ipHit);
      await recordAuditEvent(
        trx,
        deps.clock,
        { ...actor, actorId: user.id, actorLabel: user.email },
        {
          // The sign-in itself is audited when the second step succeeds.
          action: 'auth.password_verified',
          target: { id: user.id, label: user.email },
          details: { secondStep: 'required', methods: secondStep.methods },
        },
      );
      return { session: started };
    }
    await users.recordSignIn(trx, user.id, now, upgraded);
    // The IP's row before the account's, the order the counting took them in: two sign-ins
    // locking them in opposite orders would deadlock on PostgreSQL.
    await releaseRateLimit(trx, 'signInFailuresPerIp', ip, ipHit);
    await clearAccountThrottle(trx, email);
    await recordAuditEvent(
      trx,
      deps.clock,
      { ...actor, actorId: user.id, actorLabel: user.email },
      {
        action: 'auth.sign_in',
        target: { id: user.id, label: user.email },
        details: {
          temporaryPassword: found.temporary,
          ...(upgraded ? { hashUpgraded: true } : {}),
          ...(secondStep.restriction === 'enroll' ? { mfaEnrollmentRequired: true } : {}),
        },
      },
    );
    return { session: started };
  });
  if (secondStep.restriction === 'mfa')
    return { mfaRequired: true, methods: secondStep.methods, sessionSecret: session.secret };
  return {
    user: { ...user, lastSignInAt: new Date(now).toISOString() },
    passwordChangeRequired: found.temporary,
    sessionSecret: session.secret,
    ...(secondStep.restriction === 'enroll' ? { mfaEnrollmentRequired: true } : {}),
  };
}

/** The account behind an address and which second factors it has, in one statement (sign-in.store.ts). */
async function credentialsOf(
  deps: AuthCtx,
  email: string,
): Promise<{ found: users.Credentials | null; factors: mfa.FactorPresence }> {
  const [row] = await credentialsAndFactors(deps.db, email);
  if (!row) return { found: null, factors: { totp: false, passkey: false, recoveryCodes: false } };
  const { hasTotp, hasPasskey, hasRecoveryCodes, ...user } = row;
  return {
    found: users.credentialsFromRow(user),
    // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
    factors: {
      totp: Boolean(hasTotp),
      passkey: Boolean(hasPasskey),
      recoveryCodes: Boolean(hasRecoveryCodes),
    },
  };
}

/**
 * Audits a failure (already counted for the account and the IP by the reservation), in one
 * transaction. When this attempt started a lockout of an existing account, the user is told by
 * mail, with a reset link so they are never locked out for good (SEC-BF-03).
 */
/** What a failure's audit and lockout notice need of the account. */
export type FailedAccount = Pick<users.Credentials, 'user' | 'status'>;

export async function recordFailure(
  deps: AuthCtx,
  actor: ActorContext,
  email: string,
  found: FailedAccount | null,
  reason: FailureReason,
  lockout: { lockoutStarted: boolean; lockedUntil: number | null } | null,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    const target = { id: found?.user.id ?? null, label: email };
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'auth.sign_in',
      outcome: 'failure',
      target,
      details: { reason },
    });
    if (!lockout?.lockoutStarted || !lockout.lockedUntil) return;
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'auth.lockout',
      outcome: 'failure',
      target,
      details: { lockedUntil: new Date(lockout.lockedUntil).toISOString() },
    });
    if (found && found.status === 'active') {
      await queueLockoutNotice(inTx(deps, trx), found.user, { lockedUntil: lockout.lockedUntil, now });
    }
  });
}
