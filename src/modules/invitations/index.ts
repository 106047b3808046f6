export {
  acceptInvitation,
  createInvitation,
  createInvitations,
  listInvitations,
  lookupInvitation,
  resendInvitation,
  revokeInvitationsOf,
  revokeInvitation,
  INVITATION_LIFETIME_MS,
  type BulkResult,
  type BulkRow,
  type Invitation,
  type InvitationInput,
  type InvitationsDeps,
  type Inviter,
} from './invitations.service.js';
export { parseInvitationRow, MAX_BULK_INVITATIONS } from './invitations.schemas.js';
export { invitationErrors } from './invitations.errors.js';
export type { InvitationStatus } from './invitations.table.js';
