import { inTx } from '../../db/context.js';
import type { Executor } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import * as users from '../users/index.js';
import { queueInvitationMail } from './invitation-mail.js';
import type { InvitationsCtx } from './invitations.context.js';
import { invitationErrors } from './invitations.errors.js';
import { present, type Invitation } from './invitations.presenter.js';
import * as store from './invitations.store.js';
import type { InvitationRow } from './invitations.store.js';

const target = (row: { id: string; email: string }) => ({ id: row.id, label: row.email });

/** A new secret and a new 72 h expiry, mailed again; the previous link stops working. Audited in the caller's transaction. */
async function reissue(
  exec: Executor,
  ctx: InvitationsCtx,
  actor: ActorContext,
  row: InvitationRow,
): Promise<InvitationRow | null> {
  const now = await dbNow(exec, ctx.clock);
  const secret = randomSecret(32);
  const updated = {
    ...row,
    tokenHash: sha256Hex(secret),
    expiresAt: now + ctx.settings.current().links.invitationMs,
  };
  if (!(await store.rotateToken(exec, row.id, updated.tokenHash, updated.expiresAt))) return null;
  await queueInvitationMail(inTx(ctx, exec), updated, secret);
  await recordAuditEvent(exec, ctx.clock, actor, {
    action: 'invitation.resent',
    target: target(row),
    details: { invitationId: row.id, via: 'resend' },
  });
  return updated;
}

export async function resendInvitation(
  ctx: InvitationsCtx,
  actor: ActorContext,
  id: string,
): Promise<Invitation> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await store.findById(trx, id);
    if (!row) throw invitationErrors.invitation_not_found();
    if (row.status !== 'pending') throw invitationErrors.invitation_not_pending();
    // Someone made an account for this address meanwhile: the invitation could never be accepted.
    if (await users.findUserByEmail({ db: trx }, row.email)) throw invitationErrors.email_taken();
    const updated = await reissue(trx, ctx, actor, row);
    if (!updated) throw invitationErrors.invitation_not_pending();
    return present(updated, await dbNow(trx, ctx.clock));
  });
}
