import { defineErrors } from '../../shared/errors.js';

export const authErrors = defineErrors({
  /* One answer for unknown email, wrong password, deactivated, locked, expired temporary password (SEC-ENUM-01). */
  invalid_credentials: { status: 401, message: 'The email or password is incorrect.' },
  current_password_incorrect: { status: 400, message: 'The current password is incorrect.' },
  invalid_token: { status: 400, message: 'This link is invalid or has expired.' },
});
