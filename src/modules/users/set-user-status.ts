import { inTx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf } from '../mail/index.js';
import { invalidateResetTokens } from '../passwords/index.js';
import { endAllSessions } from '../sessions/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import type { UsersCtx } from './users.context.js';
import { userErrors } from './users.errors.js';
import { presentUser, type User } from './users.presenter.js';
import { assertAnotherActiveAdmin, requireUser, target } from './users.shared.js';
import * as store from './users.store.js';
import type { UserStatus } from './users.table.js';

export async function setUserStatus(
  ctx: UsersCtx,
  actor: ActorContext,
  id: string,
  status: UserStatus,
): Promise<User> {
  if (status === 'deactivated' && actor.actorId === id) throw userErrors.cannot_deactivate_self();
  return ctx.db.transaction().execute(async (trx) => {
    const before = await requireUser(trx, id);
    if (before.status === status) return presentUser(before);
    if (status === 'deactivated' && before.role === 'admin') await assertAnotherActiveAdmin(trx, id);
    const now = await dbNow(trx, ctx.clock);
    await store.update(trx, id, { status, updatedAt: now });
    const after = presentUser({ ...before, status, updatedAt: now });
    if (status === 'deactivated') {
      // Deactivation takes effect at once, on every node: the sessions are gone from the database (SEC-SES-06).
      await endAllSessions(trx, id);
      await revokeAllTokens(trx, id);
      await invalidateResetTokens(trx, id);
      // The notice says whom to ask for access again: Forgot password cannot help a deactivated
      // account, and sign-in answers it like any wrong password (SEC-ENUM-01).
      await enqueue(inTx(ctx, trx), {
        template: 'deactivated',
        ...recipientOf(after),
        vars: actor.actorId ? { by: actor.actorLabel } : {},
      });
      await ctx.invitationsOfInviter?.revokeNoLongerAllowed(inTx(ctx, trx), actor, {
        id,
        role: before.role,
        status,
      });
    }
    await recordAuditEvent(trx, ctx.clock, actor, {
      action: status === 'deactivated' ? 'user.deactivated' : 'user.activated',
      target: target(before),
    });
    return after;
  });
}
