import type { Executor } from '../../db/db.js';
import type { ActorContext } from '../../shared/context.js';
import type { Role, UserStatus } from './users.table.js';

/**
 * What happens to the invitations a user made when their role or status changes (SEC-AZ-01): an
 * invitation carries its inviter's authority, so a deactivated or demoted inviter's pending
 * invitations that they could no longer make are revoked, audited, in the change's transaction.
 * The invitations module implements it (it depends on users, not the reverse); build-app wires it.
 */
export interface InvitationsOfInviter {
  revokeNoLongerAllowed(
    exec: Executor,
    actor: ActorContext,
    inviter: { id: string; role: Role; status: UserStatus },
  ): Promise<number>;
}
