import type { TxCtx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import type * as users from '../users/index.js';
import type { InvitationsCtx } from './invitations.context.js';
import { invitationErrors } from './invitations.errors.js';
import * as store from './invitations.store.js';
import { refusal } from './inviter-rules.js';

const target = (row: { id: string; email: string }) => ({ id: row.id, label: row.email });

export async function revokeInvitation(ctx: InvitationsCtx, actor: ActorContext, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await store.findById(trx, id);
    if (!row) throw invitationErrors.invitation_not_found();
    if (!(await store.revoke(trx, id, await dbNow(trx, ctx.clock))))
      throw invitationErrors.invitation_not_pending();
    await recordAuditEvent(trx, ctx.clock, actor, {
      action: 'invitation.revoked',
      target: target(row),
      details: { invitationId: row.id },
    });
  });
}

/**
 * Deactivating or demoting someone takes back the pending invitations that their new standing could
 * not make (SEC-AZ-01): all of them for a deactivated user, those to roles the new role may not invite
 * to otherwise. Each is revoked like an admin's revoke, audited with the reason, in the caller's
 * transaction (the users module calls this through its InvitationsOfInviter port).
 */
export async function revokeInvitationsOf(
  tx: TxCtx,
  actor: ActorContext,
  inviter: { id: string; role: users.Role; status: users.UserStatus },
): Promise<number> {
  const exec = tx.trx;
  const now = await dbNow(exec, tx.clock);
  let revoked = 0;
  for (const row of await store.findPendingByInviter(exec, inviter.id)) {
    const deactivated = inviter.status !== 'active';
    if (!deactivated && !refusal(tx, inviter, row.role)) continue;
    if (!(await store.revoke(exec, row.id, now))) continue;
    revoked += 1;
    await recordAuditEvent(exec, tx.clock, actor, {
      action: 'invitation.revoked',
      target: target(row),
      details: {
        invitationId: row.id,
        reason: deactivated ? 'inviter_deactivated' : 'inviter_role_changed',
        inviterId: inviter.id,
      },
    });
  }
  return revoked;
}

/** The invitations module's side of the users module's port (wired as `invitationsOfInviter`). */
export const invitationsOfInviter: users.InvitationsOfInviter = {
  revokeNoLongerAllowed: revokeInvitationsOf,
};
