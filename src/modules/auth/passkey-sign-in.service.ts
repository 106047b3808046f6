import { dbNow } from '../../db/time.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
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
import type { AuthCtx, SignedIn } from './auth.service.js';
import { recordFailure, type FailureReason } from './sign-in.service.js';

type AuthenticationResponse = Extract<mfa.SecondFactorInput, { method: 'passkey' }>['response'];

/*
 * Passkey-only sign-in (issue 13, SEC-MFA-04). Nobody is signed in yet, so the challenge is bound to
 * the browser that asked for it: a random secret in an HttpOnly cookie, of which the database holds
 * only the SHA-256 (as for sessions), so a response replayed from another browser finds no challenge.
 * One browser keeps its secret across option requests, so the autofill's pending request and the
 * button's can both complete.
 */

/** A cookie secret as randomSecret makes them (32 bytes, base64url); anything else is replaced. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function challengeCookieSecret(existing: string | undefined): string {
  return existing && SECRET_SHAPE.test(existing) ? existing : randomSecret(32);
}

export async function passkeySignInOptions(deps: AuthCtx, cookieSecret: string) {
  return mfa.passkeyRequestOptions(deps, { binding: sha256Hex(cookieSecret), userId: null });
}

/**
 * The same rules as password sign-in (SEC-BF-01..05, SEC-ENUM-01): the IP's and the account's counts
 * are taken before the answer is checked and given back on success; an unknown passkey, a wrong or
 * replayed answer, a locked or deactivated account all answer 401 invalid_credentials, audited.
 * User verification is required (the passkey stands for password and factor at once), and a passkey
 * satisfies every role policy, "passkey required" included. Success costs one commit.
 */
export async function passkeySignIn(
  deps: AuthCtx,
  actor: ActorContext,
  cookieSecret: string | undefined,
  response: AuthenticationResponse,
): Promise<SignedIn> {
  const ip = clientRateKey(actor.ip, deps.config.ipv6RateLimitPrefix);
  const ownerId = await mfa.passkeyOwner(deps.db, response);
  const found = ownerId ? await users.findCredentialsById(deps.db, ownerId) : null;
  const binding = cookieSecret && SECRET_SHAPE.test(cookieSecret) ? sha256Hex(cookieSecret) : null;

  const outcome = await deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    const ipHit = await hitRateLimit(trx, 'signInFailuresPerIp', ip, now);
    if (!ipHit.allowed) return { kind: 'rate_limited' as const, retryAfter: ipHit.retryAfterSeconds };
    const attempt = found ? await reserveSignInAttempt(trx, found.user.email, now) : null;
    const checked = binding
      ? await mfa.verifyPasskeyAssertion(trx, deps, actor, {
          binding,
          purpose: 'sign_in',
          userId: found?.user.id ?? '',
          response,
          requireUserVerification: true,
        })
      : ({ ok: false, reason: 'challenge' } as const);
    let failure: FailureReason | null = null;
    if (!found) failure = 'unknown_passkey';
    else if (attempt === null) failure = 'locked';
    else if (!checked.ok) failure = 'wrong_passkey';
    else if (found.status !== 'active') failure = 'deactivated';
    if (failure || !found || !checked.ok) return { kind: 'failed' as const, failure, attempt };

    const user = found.user;
    await releaseRateLimit(trx, 'signInFailuresPerIp', ip, ipHit);
    await clearAccountThrottle(trx, user.email);
    const enroll = await mfa.enrollmentStillDue(trx, deps, user, now);
    const started = await startSession(trx, deps, {
      userId: user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
      restriction: enroll ? 'enroll' : null,
    });
    await users.recordSignIn(trx, user.id, now);
    await recordAuditEvent(
      trx,
      deps.clock,
      { ...actor, actorId: user.id, actorLabel: user.email },
      {
        action: 'auth.sign_in',
        target: { id: user.id, label: user.email },
        details: { method: 'passkey', factorId: checked.factorId, temporaryPassword: found.temporary },
      },
    );
    const signedIn: SignedIn = {
      user: { ...user, lastSignInAt: new Date(now).toISOString() },
      passwordChangeRequired: found.temporary,
      sessionSecret: started.secret,
      ...(enroll ? { mfaEnrollmentRequired: true as const } : {}),
    };
    return { kind: 'signed_in' as const, signedIn };
  });
  if (outcome.kind === 'signed_in') return outcome.signedIn;
  if (outcome.kind === 'rate_limited') throw commonErrors.rate_limited().withRetryAfter(outcome.retryAfter);
  // An unknown passkey names no account: the audit event carries the start of its credential id.
  const label = found?.user.email ?? `passkey ${response.id.slice(0, 16)}`;
  await recordFailure(deps, actor, label, found, outcome.failure ?? 'wrong_passkey', outcome.attempt);
  throw authErrors.invalid_credentials();
}
