import { inTx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf } from '../mail/index.js';
import { issueResetToken } from '../passwords/index.js';
import * as users from '../users/index.js';
import { subjectOf } from './admin-reset.js';
import { resetLink } from './links.js';
import type { RecoveryCtx } from './recovery.context.js';

/**
 * The other way an admin resets: a 24 h single-use link, emailed to the user (`send: true`) or
 * returned once for the admin to pass on. Issuing it replaces any older link; the current password
 * keeps working until the link is used.
 */
export async function createAdminResetLink(
  ctx: Pick<RecoveryCtx, 'db' | 'clock' | 'config' | 'settings'>,
  actor: ActorContext,
  id: string,
  input: { send: boolean },
): Promise<{ link?: string; expiresAt: string; sent: boolean }> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await subjectOf(trx, actor, id);
    if (found.status !== 'active') throw users.userErrors.user_deactivated();
    const user = found.user;
    const { adminResetMs } = ctx.settings.current().links;
    const { token, expiresAt } = await issueResetToken(trx, {
      userId: id,
      purpose: 'admin',
      now: await dbNow(trx, ctx.clock),
      lifetimeMs: adminResetMs,
    });
    const link = resetLink(ctx.config, token);
    if (input.send) {
      await enqueue(inTx(ctx, trx), {
        template: 'admin_reset_link',
        ...recipientOf(user),
        vars: { link, hours: String(adminResetMs / 3_600_000) },
      });
    }
    await recordAuditEvent(trx, ctx.clock, actor, {
      action: 'user.password_reset_link_created',
      target: { id: user.id, label: user.email },
      details: { sent: input.send },
    });
    return {
      ...(input.send ? {} : { link }),
      expiresAt: new Date(expiresAt).toISOString(),
      sent: input.send,
    };
  });
}
