import { inTx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf } from '../mail/index.js';
import { issueResetToken } from '../passwords/index.js';
import { clientRateKey, hitRateLimit } from '../throttle/index.js';
import * as users from '../users/index.js';
import { resetLink } from './links.js';
import type { RecoveryCtx } from './recovery.context.js';

/**
 * Forgot password (SEC-ENUM-02): whatever the address, the caller gets the same 202 and the request
 * does the same work — one lookup and one transaction with an audit event. Mail is only queued.
 */
export async function requestPasswordReset(
  ctx: Pick<RecoveryCtx, 'db' | 'clock' | 'config' | 'settings'>,
  actor: ActorContext,
  input: { email: string },
): Promise<void> {
  const email = users.normalizeEmail(input.email);
  const now = await dbNow(ctx.db, ctx.clock);
  // Per client IP: 10 requests an hour, then 429 (SEC-BF-04).
  const perIp = await hitRateLimit(
    ctx.db,
    'forgotPasswordPerIp',
    clientRateKey(actor.ip, ctx.config.ipv6RateLimitPrefix),
    now,
  );
  if (!perIp.allowed) throw commonErrors.rate_limited().withRetryAfter(perIp.retryAfterSeconds);
  const found = await users.findCredentialsByEmail(ctx.db, email);
  await ctx.db.transaction().execute(async (trx) => {
    // Per submitted address, the same for existing and unknown ones (SEC-ENUM-03): past the limit
    // nothing more is sent, but the answer and the work stay the same.
    const perAddress = await hitRateLimit(trx, 'resetMailsPerAddress', email, now);
    if (!perAddress.allowed) {
      await recordAuditEvent(trx, ctx.clock, actor, {
        action: 'auth.password_reset_requested',
        outcome: 'failure',
        target: { id: found?.user.id ?? null, label: email },
        details: { reason: 'throttled' },
      });
      return;
    }
    if (found && found.status === 'active') {
      // One read: the link lives as long as the mail says, even if Settings change meanwhile.
      const { selfResetMs } = ctx.settings.current().links;
      const { token } = await issueResetToken(trx, {
        userId: found.user.id,
        purpose: 'self',
        now,
        lifetimeMs: selfResetMs,
      });
      await enqueue(inTx(ctx, trx), {
        template: 'password_reset',
        ...recipientOf(found.user),
        vars: {
          link: resetLink(ctx.config, token),
          minutes: String(selfResetMs / 60_000),
        },
      });
      await recordAuditEvent(trx, ctx.clock, actor, {
        action: 'auth.password_reset_requested',
        target: { id: found.user.id, label: found.user.email },
      });
      return;
    }
    // No account: nothing is sent. A pending invitation for the address is not re-issued either, as
    // that would hand anyone who knows the address a fresh link to an expired one (SEC-RST-03).
    await recordAuditEvent(trx, ctx.clock, actor, {
      action: 'auth.password_reset_requested',
      outcome: 'failure',
      target: { id: found?.user.id ?? null, label: email },
      details: { reason: found ? 'deactivated' : 'unknown_email' },
    });
  });
}
