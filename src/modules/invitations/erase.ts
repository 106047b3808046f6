import type { TxCtx } from '../../db/context.js';
import type * as users from '../users/index.js';

/**
 * A deleted user's personal data in invitations (issue 14): the invitations sent to their address
 * (with the name they were given) go; the invitations they sent keep working, but no longer carry
 * their name — the organization's stands in as the inviter. Runs in the deletion's transaction.
 */
export async function eraseInvitationData(
  tx: TxCtx<{ organizationName: string }>,
  user: { id: string; email: string },
): Promise<void> {
  await tx.trx.deleteFrom('invitations').where('email', '=', user.email).execute();
  await tx.trx
    .updateTable('invitations')
    .set({ inviterName: tx.settings.current().organizationName, inviterId: null })
    .where('inviterId', '=', user.id)
    .execute();
}

/** The invitations module's side of the users module's port (wired as `personalData`). */
export const personalDataOfInvitations: users.PersonalDataEraser = { erase: eraseInvitationData };
