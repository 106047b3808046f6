import { defineErrors } from '../../shared/errors.js';

export const mfaErrors = defineErrors({
  /* One answer for a wrong, used or expired code or challenge (SEC-MFA-05). */
  invalid_code: { status: 401, message: 'The code is not valid. Check it and try again.' },
  factor_not_found: { status: 404, message: 'No such factor on your account.' },
  no_factor: {
    status: 409,
    message: 'Recovery codes come with two-step verification: add an authenticator app or a passkey first.',
  },
  factor_required: {
    status: 409,
    message: 'Your role requires two-step verification: add another factor before removing your last one.',
  },
  passkey_required: {
    status: 409,
    message: 'Your role requires a passkey: add another passkey before removing your last one.',
  },
  /* The passkey's answer did not verify: unknown or used challenge, wrong origin, bad signature. */
  invalid_passkey_response: {
    status: 400,
    message: 'The passkey could not be verified. Try again.',
  },
  passkey_already_registered: { status: 409, message: 'This passkey is already registered.' },
  invalid_enrollment_link: { status: 400, message: 'This link is invalid, used or expired.' },
});
