/**
 * What several features share about the signed-in session: the query key of `GET /api/v1/me`, and
 * a one-shot notice the sign-in page shows after a session ended ("Your session ended. Sign in again.").
 */
export const meQueryKey = ['me'] as const;

export type SignInNotice = typeof SESSION_ENDED | typeof SIGNED_OUT | typeof PASSWORD_RESET;

let pendingNotice: SignInNotice | null = null;

export function setSignInNotice(notice: SignInNotice): void {
  pendingNotice = notice;
}

/** The notice to show, if any; the sign-in page clears it when it goes away. */
export function peekSignInNotice(): SignInNotice | null {
  return pendingNotice;
}

export function clearSignInNotice(): void {
  pendingNotice = null;
}

/** Notices are catalogue keys, worded in the language of the page that shows them. */
export const SESSION_ENDED = 'session.ended';
export const SIGNED_OUT = 'session.signedOut';
export const PASSWORD_RESET = 'session.passwordReset';
