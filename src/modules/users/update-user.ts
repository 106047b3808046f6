import { inTx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf } from '../mail/index.js';
import type { UsersCtx } from './users.context.js';
import { presentUser, type User } from './users.presenter.js';
import { assertAnotherActiveAdmin, requireUser, searchText, target } from './users.shared.js';
import * as store from './users.store.js';
import type { Role } from './users.table.js';

export async function updateUser(
  ctx: UsersCtx,
  actor: ActorContext,
  id: string,
  patch: { name?: string | undefined; role?: Role | undefined },
): Promise<User> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await requireUser(trx, id);
    const now = await dbNow(trx, ctx.clock);
    const name = patch.name?.trim() ?? before.name;
    const role = patch.role ?? before.role;
    if (before.role === 'admin' && role !== 'admin' && before.status === 'active') {
      await assertAnotherActiveAdmin(trx, id);
    }
    await store.update(trx, id, {
      name,
      nameKey: name.toLowerCase(),
      search: searchText(before.email, name),
      role,
      updatedAt: now,
    });
    const after = { ...before, name, nameKey: name.toLowerCase(), role, updatedAt: now };
    if (role !== before.role) {
      await recordAuditEvent(trx, ctx.clock, actor, {
        action: 'user.role_changed',
        target: target(before),
        details: { from: before.role, to: role },
      });
      await enqueue(inTx(ctx, trx), {
        template: 'role_changed',
        ...recipientOf(after),
        vars: { from: before.role, to: role },
      });
      await ctx.invitationsOfInviter?.revokeNoLongerAllowed(inTx(ctx, trx), actor, after);
    }
    if (name !== before.name) {
      await recordAuditEvent(trx, ctx.clock, actor, {
        action: 'user.renamed',
        target: target(before),
        details: { from: before.name, to: name },
      });
    }
    return presentUser(after);
  });
}
