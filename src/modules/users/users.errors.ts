import { defineErrors } from '../../shared/errors.js';

export const userErrors = defineErrors({
  user_not_found: { status: 404, message: 'No such user.' },
  email_taken: { status: 409, message: 'A user with this email already exists.' },
  user_deactivated: { status: 409, message: 'The user is deactivated; activate them first.' },
  last_admin: { status: 409, message: 'The last active admin cannot be demoted, deactivated or deleted.' },
  cannot_deactivate_self: { status: 400, message: 'You cannot deactivate your own account.' },
  cannot_delete_self: { status: 400, message: 'You cannot delete your own account.' },
  email_unchanged: { status: 400, message: 'email: the new address is the current one.' },
  invalid_email_link: { status: 400, message: 'This email confirmation link is invalid or has expired.' },
  use_change_password: {
    status: 400,
    message: 'To change your own password, use the change password form (it asks for your current password).',
  },
});
