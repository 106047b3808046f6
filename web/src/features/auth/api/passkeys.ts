import { useMutation, useQueryClient } from '@tanstack/react-query';
import { startAuthentication } from '@simplewebauthn/browser';
import { api, call } from '../../../lib/api';
import { startFreshSession } from './index';

/**
 * Passkey-only sign-in (issue 13). With `autofill`, the browser offers the passkeys in the email
 * field's suggestions (conditional mediation) and the promise waits until the person picks one.
 */
export function usePasskeySignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ autofill }: { autofill: boolean }) => {
      const optionsJSON = await call(api.POST('/api/v1/auth/passkey/options'));
      const response = await startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
      return call(api.POST('/api/v1/auth/passkey/sign-in', { body: { response } }));
    },
    onSuccess: (result) => (result.mfaEnrollmentRequired ? undefined : startFreshSession(queryClient)),
  });
}

/** The passkey as the second step (after the password) or as the step-up: options on the session. */
export async function passkeyAnswer() {
  const optionsJSON = await call(api.POST('/api/v1/auth/mfa/passkey/options'));
  return startAuthentication({ optionsJSON });
}
