import { dbNow, timeAlreadyRead } from '../../db/time.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent, recordStandaloneEvent } from '../audit/index.js';
import * as mfa from '../mfa/index.js';
import { markAuthenticated, replaceSession } from '../sessions/index.js';
import {
  clearAccountThrottle,
  hitRateLimit,
  releaseRateLimit,
  reserveSignInAttempt,
} from '../throttle/index.js';
import * as users from '../users/index.js';
import { authErrors } from './auth.errors.js';
import type { AuthCtx, SignedIn } from './auth.service.js';
import { recordFailure, type FailedAccount } from './sign-in.service.js';

/** The pending session a correct password opened (SEC-MFA-05), as the request guard read it. */
export interface PendingSession {
  sessionId: string;
  /** Its user, read fresh by the guard in this request (SEC-SES-04): the second step reads it no more. */
  principal: users.Principal;
  restriction: 'mfa' | 'enroll' | null;
}

/**
 * The second step of sign-in: a code (TOTP or recovery) for the pending session's user. Success
 * ends the pending session and starts a new one (a new id, SEC-SES-03). A wrong, used or expired
 * code, or no pending session at all, answers the same 401 invalid_code (SEC-MFA-05), and counts
 * toward the account's lockout like a wrong password (SEC-BF-01).
 */
export async function verifySecondStep(
  deps: AuthCtx,
  actor: ActorContext,
  pending: PendingSession | null,
  input: mfa.SecondFactorInput,
): Promise<SignedIn> {
  if (!pending || pending.restriction !== 'mfa') throw mfa.mfaErrors.invalid_code();
  const { principal } = pending;
  if (principal.status !== 'active') throw mfa.mfaErrors.invalid_code();
  // A success clears the account's lockout, so the user it answers with is not locked.
  const user = { ...principal.user, lockedUntil: null };
  const found = { user, status: principal.status, temporary: principal.passwordTemporary };
  const who = { ...actor, actorId: user.id, actorLabel: user.email };
  return checkFactor(deps, who, found, input, pending.sessionId, async (trx, now) => {
    const enroll = await mfa.enrollmentStillDue(trx, deps, user, now);
    // The pending session becomes the new one in one statement (a new id and secret, SEC-SES-03).
    // Gone meanwhile (signed out, ended by an admin): nothing is signed in, and the rollback leaves
    // the code unused.
    const started = await replaceSession(trx, { ...deps, clock: timeAlreadyRead(now) }, pending.sessionId, {
      userId: user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
      restriction: enroll ? 'enroll' : null,
    });
    if (!started) throw mfa.mfaErrors.invalid_code();
    await users.recordSignIn(trx, user.id, now);
    await recordAuditEvent(trx, deps.clock, who, {
      action: 'auth.sign_in',
      target: { id: user.id, label: user.email },
      details: { temporaryPassword: found.temporary, secondStep: input.method },
    });
    return {
      user: { ...user, lastSignInAt: new Date(now).toISOString() },
      passwordChangeRequired: found.temporary,
      sessionSecret: started.secret,
      ...(enroll ? { mfaEnrollmentRequired: true as const } : {}),
    };
  });
}

/**
 * Step-up (SEC-MFA-07): the signed-in user proves who they are again, with the password or a
 * factor; the session's authentication time moves to now. Wrong answers share the budget of wrong
 * current passwords (SEC-PW-07: 5 in 15 minutes per user and per session, then 429), so a stolen
 * session cannot guess at hashing speed, and, as there, the account itself is never locked by them:
 * whoever holds a session must not be able to lock its owner out of sign-in.
 */
export async function reauthenticate(
  deps: AuthCtx,
  actor: ActorContext & { actorId: string },
  sessionId: string,
  input: { password: string } | mfa.SecondFactorInput,
): Promise<void> {
  const found = await users.findCredentialsById(deps.db, actor.actorId);
  if (!found) throw commonErrors.unauthenticated();
  const userId = found.user.id;
  const credentialKey = `session:${sessionId}`;
  // The user's row before the credential's, as the password change takes them.
  const counted = await deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    return {
      user: await hitRateLimit(trx, 'currentPasswordPerUser', userId, now),
      credential: await hitRateLimit(trx, 'currentPasswordPerCredential', credentialKey, now),
    };
  });
  const refused = [counted.user, counted.credential].find((v) => !v.allowed);
  if (refused) throw commonErrors.rate_limited().withRetryAfter(refused.retryAfterSeconds);
  const passwordOk =
    'password' in input
      ? await deps.hasher.verify(found.passwordHash, input.password, { ip: actor.ip })
      : true;
  const ok = await deps.db.transaction().execute(async (trx) => {
    if (!passwordOk) return false;
    if (
      !('password' in input) &&
      !(await mfa.verifySecondFactor(trx, deps, userId, input, { binding: sessionId, actor })).ok
    )
      return false;
    await releaseRateLimit(trx, 'currentPasswordPerUser', userId, counted.user);
    await releaseRateLimit(trx, 'currentPasswordPerCredential', credentialKey, counted.credential);
    await markAuthenticated(trx, sessionId, await dbNow(trx, deps.clock));
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'auth.reauthenticated',
      target: { id: userId, label: found.user.email },
      details: { method: 'password' in input ? 'password' : input.method },
    });
    return true;
  });
  if (ok) return;
  await recordStandaloneEvent(deps, actor, {
    action: 'auth.reauthenticated',
    outcome: 'failure',
    target: { id: userId, label: found.user.email },
    details: { method: 'password' in input ? 'password' : input.method },
  });
  throw 'password' in input ? authErrors.invalid_credentials() : mfa.mfaErrors.invalid_code();
}

/**
 * Counts the attempt against the account (SEC-BF-05: parallel guesses cannot outrun the lockout),
 * checks and consumes the factor and, on success, gives the count back and runs `onSuccess`, all in
 * one transaction: the second step costs one commit. A failure commits the count, is audited (and
 * may start a lockout, mailed as after wrong passwords) and answers 401 invalid_code.
 */
async function checkFactor<T>(
  deps: AuthCtx,
  actor: ActorContext,
  found: FailedAccount,
  input: mfa.SecondFactorInput,
  /** The pending session, which a passkey's challenge is bound to. */
  sessionId: string,
  onSuccess: (trx: Parameters<typeof mfa.verifySecondFactor>[0], now: number) => Promise<T>,
): Promise<T> {
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    const attempt = await reserveSignInAttempt(trx, found.user.email, now);
    if (attempt === null) return { ok: false as const, attempt };
    const result = await mfa.verifySecondFactor(
      trx,
      deps,
      found.user.id,
      input,
      { binding: sessionId, actor },
      now,
    );
    if (!result.ok) return { ok: false as const, attempt };
    await clearAccountThrottle(trx, found.user.email);
    return { ok: true as const, value: await onSuccess(trx, now) };
  });
  if (outcome.ok) return outcome.value;
  const { attempt } = outcome;
  await recordFailure(deps, actor, found.user.email, found, attempt ? 'wrong_code' : 'locked', attempt);
  throw mfa.mfaErrors.invalid_code();
}
