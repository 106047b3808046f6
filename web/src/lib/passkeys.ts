import { WebAuthnError } from '@simplewebauthn/browser';
import { isApiError } from './api';

/**
 * The words for a failed passkey ceremony in the browser (not the server's answer, which keeps its
 * error code): a key of the `passkeys` catalogue, or null when the error is the server's.
 */
export function passkeyCeremonyFailure(error: unknown, kind: 'create' | 'get'): string | null {
  if (isApiError(error)) return null;
  if (error instanceof WebAuthnError && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED')
    return 'passkeys.alreadyOnDevice';
  return kind === 'create' ? 'passkeys.cancelled' : 'passkeys.signInCancelled';
}

/** An autofill request that a click on the button (or leaving the page) replaced: not a failure. */
export function isAbort(error: unknown): boolean {
  return (
    (error instanceof WebAuthnError && error.code === 'ERROR_CEREMONY_ABORTED') ||
    (error instanceof Error && error.name === 'AbortError')
  );
}
