import { defineErrors } from '../../shared/errors.js';

export const invitationErrors = defineErrors({
  invitation_not_found: { status: 404, message: 'No such invitation.' },
  /* The same code and message as the users module: the address already belongs to an account. */
  email_taken: { status: 409, message: 'A user with this email already exists.' },
  already_invited: {
    status: 409,
    message: 'This address already has a pending invitation; resend it instead.',
  },
  invitation_not_pending: {
    status: 409,
    message: 'This invitation was already accepted, revoked or replaced; it can no longer change.',
  },
  /* The inviter was deactivated or may no longer invite to this role (SEC-AZ-01): the link carries no authority. */
  inviter_not_allowed: {
    status: 403,
    message: 'The person who invited you can no longer grant this access; ask an admin for a new invitation.',
  },
  /* One answer for an unknown, expired, used, revoked or replaced link (as for reset links, SEC-ENUM-02). */
  invalid_token: { status: 400, message: 'This link is invalid or has expired.' },
});
