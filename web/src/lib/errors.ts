import { isApiError } from './api';

/**
 * Error codes in plain words. The server's own message is the fallback (it is already written for
 * people), so a code missing here still reads well.
 */
const MESSAGES: Record<string, string> = {
  network_error: 'Could not reach Gatehouse. Check your connection and try again.',
  internal_error: 'Something went wrong on our side. Try again in a moment.',
  service_unavailable: 'Gatehouse is temporarily unavailable. Try again in a moment.',
  rate_limited: 'Too many attempts. Wait a few minutes, then try again.',
  unauthenticated: 'Your session ended. Sign in again.',
  forbidden: 'You do not have permission to do this.',
  cross_site_request:
    'This request was blocked because it came from another site. Reload the page and try again.',
  password_change_required: 'You must choose a new password before doing anything else.',
  invalid_credentials: 'The email or password is incorrect.',
  current_password_incorrect: 'Your current password is incorrect.',
  invalid_token: 'This link is invalid or has expired.',
  password_too_long: 'The password is too long: use at most 256 characters.',
  password_blocklisted:
    'This password is too common or has appeared in a data breach. Choose a different one.',
  password_contains_context:
    'The password must not contain the person’s name or email, the organization’s name, or “gatehouse”.',
  password_invalid_characters: 'The password must not contain control characters.',
  password_reused: 'The new password must be different from the current one.',
  use_change_password:
    'You cannot reset your own password here. Use Change password on My account: it asks for your current password.',
  last_admin: 'This is the last active admin. Make someone else an admin first.',
  cannot_deactivate_self: 'You cannot deactivate your own account.',
  user_deactivated: 'This user is deactivated. Activate them first.',
  user_not_found: 'This user no longer exists.',
  email_taken: 'A user with this email already exists.',
  already_invited: 'This address already has a pending invitation. Resend it instead.',
  invitation_not_pending: 'This invitation was already accepted, revoked or replaced.',
  invitation_not_found: 'This invitation no longer exists.',
};

/** What to tell a person about a failed call. `overrides` words a code for one place. */
export function errorMessage(error: unknown, overrides: Record<string, string> = {}): string {
  if (isApiError(error)) {
    // password_too_short names the configured length; validation errors name the field.
    return overrides[error.code] ?? MESSAGES[error.code] ?? error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}

/** Words for a code reported outside an ApiError (e.g. one row of a bulk invitation). */
export function messageForCode(code: string | undefined, fallback: string | undefined): string {
  return (code ? MESSAGES[code] : undefined) ?? fallback ?? 'Something went wrong.';
}
