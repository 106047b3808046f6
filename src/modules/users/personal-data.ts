import type { TxCtx } from '../../db/context.js';

/**
 * A port the users module defines and the invitations module implements (`personalDataOfInvitations`,
 * since invitations depends on users, not the reverse): the personal data it holds about a user
 * (invitations to and from them), erased when the user is deleted, in the deletion's transaction.
 */
export interface PersonalDataEraser {
  erase(tx: TxCtx<{ organizationName: string }>, user: { id: string; email: string }): Promise<void>;
}
