import { useMutation, useQueryClient } from '@tanstack/react-query';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api, call } from '../../../lib/api';

/**
 * Adds a passkey (issue 13): creation options from the server, the browser's ceremony, the answer
 * back. A step-up refusal (403 reauthentication_required) comes from the options, before the ceremony.
 */
export function useAddPasskey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => {
      const optionsJSON = await call(api.POST('/api/v1/me/factors/passkeys/options'));
      const response = await startRegistration({ optionsJSON });
      return call(
        api.POST('/api/v1/me/factors/passkeys', {
          body: { response, ...(name.trim() ? { name: name.trim() } : {}) },
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['my-factors'] }),
  });
}

/** Step-up with a passkey (SEC-MFA-07): request options on this session, the ceremony, the answer. */
export function useReauthenticateWithPasskey() {
  return useMutation({
    mutationFn: async () => {
      const optionsJSON = await call(api.POST('/api/v1/auth/mfa/passkey/options'));
      const response = await startAuthentication({ optionsJSON });
      return call(api.POST('/api/v1/auth/reauthenticate', { body: { method: 'passkey', response } }));
    },
  });
}
