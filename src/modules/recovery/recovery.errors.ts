import { defineErrors } from '../../shared/errors.js';

export const recoveryErrors = defineErrors({
  /* One answer for an unknown, used, expired or superseded reset link, or a deactivated account (SEC-RST-04). */
  invalid_token: { status: 400, message: 'This link is invalid or has expired.' },
});
