import type { TxCtx } from '../../db/context.js';
import type { ActorContext } from '../../shared/context.js';
import type { Role, UserStatus } from './users.table.js';

/**
 * A port the users module defines and the invitations module implements (`invitationsOfInviter`,
 * since invitations depends on users, not the reverse): what happens to the invitations a user made
 * when their role or status changes (SEC-AZ-01). An invitation carries its inviter's authority, so a
 * deactivated or demoted inviter's pending invitations that they could no longer make are revoked,
 * audited, in the change's transaction.
 */
export interface InvitationsOfInviter {
  revokeNoLongerAllowed(
    tx: TxCtx,
    actor: ActorContext,
    inviter: { id: string; role: Role; status: UserStatus },
  ): Promise<number>;
}
