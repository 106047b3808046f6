import { defineErrors } from './errors.js';

/** Codes that are not owned by one module: transport, validation and authorization basics. */
export const commonErrors = defineErrors({
  validation_failed: { status: 400, message: 'The request is not valid.' },
  malformed_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_cursor: { status: 400, message: 'The cursor is not valid for this list.' },
  unauthenticated: { status: 401, message: 'Sign in to continue.' },
  forbidden: { status: 403, message: 'You do not have permission to do this.' },
  cross_site_request: { status: 403, message: 'Cross-site requests are not allowed.' },
  password_change_required: {
    status: 403,
    message: 'You must choose a new password before doing anything else.',
  },
  mfa_required: {
    status: 403,
    message: 'Finish signing in with your second step (authenticator code, passkey or recovery code).',
  },
  mfa_enrollment_required: {
    status: 403,
    message: 'Your role requires two-step verification: set up a factor before doing anything else.',
  },
  reauthentication_required: {
    status: 403,
    message:
      'Confirm it is you (password or second step) to do this; your last confirmation is over 10 minutes old.',
  },
  session_required: {
    status: 403,
    message: 'Sign in to the console for this; an API token cannot do it.',
  },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  request_timeout: { status: 408, message: 'The request took too long to arrive.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  unsupported_media_type: { status: 415, message: 'Send the request body as application/json.' },
  rate_limited: { status: 429, message: 'Too many requests. Try again later.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
  storage_full: {
    status: 507,
    message:
      'The server’s database disk is full, so nothing was saved. Ask the operator to free space on the ' +
      'disk that holds the database (or raise its quota); reading still works.',
  },
});
