/**
 * What several features share about the signed-in session: the query key of `GET /api/v1/me`, and
 * a one-shot notice the sign-in page shows after a session ended ("Your session ended. Sign in again.").
 */
export const meQueryKey = ['me'] as const;

let pendingNotice: string | null = null;

export function setSignInNotice(message: string): void {
  pendingNotice = message;
}

/** The notice to show, if any; the sign-in page clears it when it goes away. */
export function peekSignInNotice(): string | null {
  return pendingNotice;
}

export function clearSignInNotice(): void {
  pendingNotice = null;
}

export const SESSION_ENDED = 'Your session ended. Sign in again.';
export const SIGNED_OUT = 'You are signed out.';
