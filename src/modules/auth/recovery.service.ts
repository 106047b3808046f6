import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueueMail } from '../mail/index.js';
import {
  consumeResetToken,
  hashCallerOf,
  invalidateResetTokens,
  issueResetToken,
  peekResetToken,
} from '../passwords/index.js';
import { endAllSessions } from '../sessions/index.js';
import { clearAccountThrottle, clientRateKey, hitRateLimit } from '../throttle/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import { commonErrors } from '../../shared/common.errors.js';
import * as users from '../users/index.js';
import { authErrors } from './auth.errors.js';
import type { AuthDeps } from './auth.service.js';

/** A self-service reset link lives 30 minutes (SEC-RST-03). */
export const SELF_RESET_LINK_MS = 30 * 60_000;

/**
 * Forgot password (SEC-ENUM-02): whatever the address, the caller gets the same 202 and the request
 * does the same work — one lookup and one transaction with an audit event. Mail is only queued.
 */
export async function requestPasswordReset(
  deps: AuthDeps,
  actor: ActorContext,
  input: { email: string },
): Promise<void> {
  const email = users.normalizeEmail(input.email);
  const now = await dbNow(deps.db, deps.clock);
  // Per client IP: 10 requests an hour, then 429 (SEC-BF-04).
  const perIp = await hitRateLimit(
    deps.db,
    'forgotPasswordPerIp',
    clientRateKey(actor.ip, deps.config.ipv6RateLimitPrefix),
    now,
  );
  if (!perIp.allowed) throw commonErrors.rate_limited().withRetryAfter(perIp.retryAfterSeconds);
  const found = await users.findCredentialsByEmail(deps.db, email);
  await deps.db.transaction().execute(async (trx) => {
    // Per submitted address, the same for existing and unknown ones (SEC-ENUM-03): past the limit
    // nothing more is sent, but the answer and the work stay the same.
    const perAddress = await hitRateLimit(trx, 'resetMailsPerAddress', email, now);
    if (!perAddress.allowed) {
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'auth.password_reset_requested',
        outcome: 'failure',
        target: { id: found?.user.id ?? null, label: email },
        details: { reason: 'throttled' },
      });
      return;
    }
    if (found && found.status === 'active') {
      const { token } = await issueResetToken(trx, {
        userId: found.user.id,
        purpose: 'self',
        now,
        lifetimeMs: SELF_RESET_LINK_MS,
      });
      await enqueueMail(trx, deps, {
        to: found.user.email,
        template: 'password_reset',
        locale: found.user.locale,
        recipientName: found.user.name,
        vars: {
          link: `${deps.config.publicUrl}/reset-password?token=${token}`,
          minutes: String(SELF_RESET_LINK_MS / 60_000),
        },
      });
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'auth.password_reset_requested',
        target: { id: found.user.id, label: found.user.email },
      });
      return;
    }
    // No account: nothing is sent. A pending invitation for the address is not re-issued either, as
    // that would hand anyone who knows the address a fresh link to an expired one (SEC-RST-03).
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'auth.password_reset_requested',
      outcome: 'failure',
      target: { id: found?.user.id ?? null, label: email },
      details: { reason: found ? 'deactivated' : 'unknown_email' },
    });
  });
}

/** Tells the console whether a link is still usable, without consuming it (SEC-RST-08). */
export async function checkResetToken(deps: AuthDeps, token: string): Promise<void> {
  const peek = await peekResetToken(deps.db, token, await dbNow(deps.db, deps.clock));
  const found = peek ? await users.findCredentialsById(deps.db, peek.userId) : null;
  if (!found || found.status !== 'active') throw authErrors.invalid_token();
}

/**
 * Completes a reset (SEC-RST-04, -06, -09): the token is consumed inside the transaction before
 * anything changes, so of concurrent redemptions exactly one succeeds; the password becomes the
 * user's own (temporary state cleared), every session ends, the user is told, nobody is signed in.
 */
export async function completePasswordReset(
  deps: AuthDeps,
  actor: ActorContext,
  input: { token: string; newPassword: string },
): Promise<void> {
  const peek = await peekResetToken(deps.db, input.token, await dbNow(deps.db, deps.clock));
  const found = peek ? await users.findCredentialsById(deps.db, peek.userId) : null;
  if (!found || found.status !== 'active') throw authErrors.invalid_token();
  users.choosePassword(deps, { password: input.newPassword }, found.user);
  const passwordHash = await deps.hasher.hash(input.newPassword, hashCallerOf(actor));
  await deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    const consumed = await consumeResetToken(trx, input.token, now);
    if (!consumed || consumed.userId !== found.user.id) throw authErrors.invalid_token();
    await users.replaceOwnPassword(trx, found.user.id, passwordHash, now);
    await invalidateResetTokens(trx, found.user.id);
    // A completed reset also ends any lockout: an attacker can never lock the owner out (SEC-BF-03).
    await clearAccountThrottle(trx, found.user.email);
    const ended = await endAllSessions(trx, found.user.id);
    const tokensRevoked = await revokeAllTokens(trx, found.user.id);
    await recordAuditEvent(
      trx,
      deps.clock,
      { ...actor, actorId: found.user.id, actorLabel: found.user.email },
      {
        action: 'auth.password_reset_completed',
        target: { id: found.user.id, label: found.user.email },
        details: { sessionsEnded: ended, tokensRevoked },
      },
    );
    await deps.notices.send(trx, {
      kind: 'password_reset_completed',
      user: { ...found.user, passwordChangeRequired: false },
    });
  });
}
