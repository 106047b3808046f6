import { isApiError } from './api';
import { i18n, t } from './i18n';

/**
 * Error codes in plain words, in the console's language: each stable code the server (or the
 * console: network_error) reports has a key errors.<code> in the catalogue. The server's own
 * message (English) is the fallback, so a code missing there still reads well.
 */
function messageOf(code: string): string | undefined {
  const key = `errors.${code}`;
  return /^[a-z_]+$/.test(code) && i18n.exists(key) ? t(key) : undefined;
}

/** What to tell a person about a failed call. `overrides` words a code for one place (already translated). */
export function errorMessage(error: unknown, overrides: Record<string, string> = {}): string {
  if (isApiError(error)) return overrides[error.code] ?? messageOf(error.code) ?? error.message;
  if (error instanceof Error && error.message) return error.message;
  return t('common.somethingWrongTryAgain');
}

/** Words for a code reported outside an ApiError (e.g. one row of a bulk invitation). */
export function messageForCode(code: string | undefined, fallback: string | undefined): string {
  return (code ? messageOf(code) : undefined) ?? fallback ?? t('common.somethingWrong');
}
