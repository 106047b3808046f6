import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import * as mfa from '../mfa/index.js';
import { choosePassword } from '../passwords/index.js';
import { startSession } from '../sessions/index.js';
import { clearAccountThrottle, reserveSignInAttempt } from '../throttle/index.js';
import * as users from '../users/index.js';
import { authErrors } from './auth.errors.js';
import type { AuthCtx, SignedIn } from './auth.service.js';
import { recordFailure } from './sign-in.service.js';

/** What the console needs to show the link's page: which password to ask for. */
export async function enrollmentLinkStatus(
  deps: AuthCtx,
  token: string,
): Promise<{ scope: 'factors' | 'all'; email: string; expiresAt: string }> {
  const link = await mfa.redeemEnrollmentLink(deps.db, deps.clock, token, true);
  const found = await users.findCredentialsById(deps.db, link.userId);
  if (!found || found.status !== 'active') throw mfa.mfaErrors.invalid_enrollment_link();
  return { scope: link.scope, email: found.user.email, expiresAt: new Date(link.expiresAt).toISOString() };
}

/**
 * Redeems the link "Reset access" issued, on any device (SEC-MFA-06): with scope factors the user
 * proves their password (a wrong one counts toward the lockout, SEC-BF-01, and keeps the link); with
 * scope all they choose a new one. The link is consumed and a session starts, restricted to setting
 * up a factor when the role requires one (SEC-MFA-08).
 */
export async function redeemEnrollment(
  deps: AuthCtx,
  actor: ActorContext,
  input: { token: string; password: string },
): Promise<SignedIn> {
  const link = await mfa.redeemEnrollmentLink(deps.db, deps.clock, input.token, true);
  const found = await users.findCredentialsById(deps.db, link.userId);
  if (!found || found.status !== 'active') throw mfa.mfaErrors.invalid_enrollment_link();
  const user = found.user;
  let newHash: string | null = null;
  if (link.scope === 'factors') {
    const attempt = await deps.db
      .transaction()
      .execute(async (trx) => reserveSignInAttempt(trx, user.email, await dbNow(trx, deps.clock)));
    const ok = await deps.hasher.verify(found.passwordHash, input.password, { ip: actor.ip });
    if (!ok || attempt === null) {
      await recordFailure(deps, actor, user.email, found, attempt ? 'wrong_password' : 'locked', attempt);
      throw authErrors.invalid_credentials();
    }
  } else {
    choosePassword(deps, { password: input.password }, user);
    newHash = await deps.hasher.hash(input.password, { ip: actor.ip });
  }
  return deps.db.transaction().execute(async (trx) => {
    await mfa.redeemEnrollmentLink(trx, deps.clock, input.token);
    const now = await dbNow(trx, deps.clock);
    if (newHash) await users.replaceOwnPassword(trx, user.id, newHash, now);
    const enroll = await mfa.enrollmentStillDue(trx, deps, user, now);
    const session = await startSession(trx, deps, {
      userId: user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
      restriction: enroll ? 'enroll' : null,
    });
    await users.recordSignIn(trx, user.id, now);
    await clearAccountThrottle(trx, user.email);
    await recordAuditEvent(
      trx,
      deps.clock,
      { ...actor, actorId: user.id, actorLabel: user.email },
      {
        action: 'auth.sign_in',
        target: { id: user.id, label: user.email },
        details: { via: 'enrollment_link', scope: link.scope, passwordSet: newHash !== null },
      },
    );
    return {
      user: { ...user, passwordChangeRequired: false, lastSignInAt: new Date(now).toISOString() },
      passwordChangeRequired: false,
      sessionSecret: session.secret,
      ...(enroll ? { mfaEnrollmentRequired: true as const } : {}),
    };
  });
}
