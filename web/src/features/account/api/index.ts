import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api';
import { meQueryKey } from '../../../lib/session';

const sessionsKey = ['my-sessions'] as const;

export function useMySessions() {
  return useQuery({ queryKey: sessionsKey, queryFn: () => call(api.GET('/api/v1/me/sessions')) });
}

export function useEndMySession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}

const tokensKey = ['my-tokens'] as const;

export function useMyTokens() {
  return useQuery({ queryKey: tokensKey, queryFn: () => call(api.GET('/api/v1/me/tokens')) });
}

export function useRevokeMyToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
}

/** After a password change the server has revoked every token: show that at once. */
export function useForgetMyTokens() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: tokensKey });
}

export function useSetLocale() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (locale: 'en' | 'fr' | null) => call(api.PATCH('/api/v1/me', { body: { locale } })),
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
}

const factorsKey = ['my-factors'] as const;

/** Two-step verification (issue 13): your factors and how many recovery codes remain. */
export function useMyFactors() {
  return useQuery({ queryKey: factorsKey, queryFn: () => call(api.GET('/api/v1/me/factors')) });
}

export function useStartTotp() {
  return useMutation({ mutationFn: () => call(api.POST('/api/v1/me/factors/totp')) });
}

export function useConfirmTotp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, code }: { id: string; code: string }) =>
      call(api.POST('/api/v1/me/factors/totp/{id}/confirm', { params: { path: { id } }, body: { code } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: factorsKey }),
  });
}

export function useRemoveFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/me/factors/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: factorsKey }),
  });
}

/** Renames a passkey or an authenticator app (issue 13); asks for no step-up. */
export function useRenameFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) =>
      call(api.PATCH('/api/v1/me/factors/{id}', { params: { path: { id } }, body: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: factorsKey }),
  });
}

export function useRegenerateCodes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/v1/me/recovery-codes')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: factorsKey }),
  });
}

/** Step-up (SEC-MFA-07): the password again, before a sensitive change. */
export function useReauthenticate() {
  return useMutation({
    mutationFn: (password: string) => call(api.POST('/api/v1/auth/reauthenticate', { body: { password } })),
  });
}

const emailChangeKey = ['my-email-change'] as const;

/** Your pending email change (waiting for its link to be used), if any. */
export function useMyEmailChange() {
  return useQuery({ queryKey: emailChangeKey, queryFn: () => call(api.GET('/api/v1/me/email')) });
}

export function useRequestEmailChange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (email: string) => call(api.POST('/api/v1/me/email', { body: { email } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emailChangeKey }),
  });
}

/** Uses an email confirmation link (public: the token travels in the body, SEC-RST-08). */
export function useConfirmEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => call(api.POST('/api/v1/email-confirmations', { body: { token } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}
