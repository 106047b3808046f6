import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, call, type BodyOf, type Me } from '../../../lib/api';
import { meQueryKey, SESSION_ENDED, setSignInNotice, SIGNED_OUT } from '../../../lib/session';

/** Whether first-run setup is pending, as the last session probe said (set by meQuery). */
export const setupPendingQueryKey = ['setup-pending'] as const;

/**
 * The signed-in user, or null when signed out, from the quiet probe (`GET /api/v1/auth/session`):
 * always 200, so a signed-out page logs no 401 in the browser's console. A session whose second step
 * or required enrollment is pending is not yet a signed-in user (the probe says null). If someone was
 * signed in a moment ago, their session ended (deactivated, reset by an admin, expired).
 */
export const meQuery = queryOptions({
  queryKey: meQueryKey,
  queryFn: async ({ client }): Promise<Me | null> => {
    const probe = await call(api.GET('/api/v1/auth/session'));
    client.setQueryData(setupPendingQueryKey, probe.setupPending);
    if (!probe.me && client.getQueryData<Me | null>(meQueryKey)) setSignInNotice(SESSION_ENDED);
    return probe.me;
  },
  staleTime: 30_000,
});

export function useMe() {
  return useQuery(meQuery);
}

/** After signing in (or accepting an invitation, or setup): forget everything cached, load the new user. */
export async function startFreshSession(queryClient: QueryClient): Promise<Me | null> {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
  return queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/auth/sign-in', 'post'>) =>
      call(api.POST('/api/v1/auth/sign-in', { body })),
    // With a second step due, the session is pending: nothing to load until the code is in.
    onSuccess: (result) =>
      'mfaRequired' in result || result.mfaEnrollmentRequired ? undefined : startFreshSession(queryClient),
  });
}

/** The second step of sign-in (issue 13): a code from the authenticator app, or a recovery code. */
export function useVerifySecondStep() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/auth/mfa/verify', 'post'>) =>
      call(api.POST('/api/v1/auth/mfa/verify', { body })),
    onSuccess: (result) => (result.mfaEnrollmentRequired ? undefined : startFreshSession(queryClient)),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/sign-out')),
    // Signed out either way (a 401 means the session had already ended). With no user, the page
    // guards send the browser to sign-in, which says so.
    onSettled: () => {
      setSignInNotice(SIGNED_OUT);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
      queryClient.setQueryData(meQueryKey, null);
    },
    meta: { ignoreUnauthenticated: true },
  });
}

export function useForgotPassword() {
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/auth/forgot-password', 'post'>) =>
      call(api.POST('/api/v1/auth/forgot-password', { body })),
  });
}

export function useResetLinkStatus(token: string) {
  return useQuery({
    queryKey: ['reset-link-status', token],
    queryFn: () => call(api.GET('/api/v1/auth/reset-password/status', { params: { query: { token } } })),
    enabled: token.length > 0,
    retry: false,
    staleTime: Infinity,
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/auth/reset-password', 'post'>) =>
      call(api.POST('/api/v1/auth/reset-password', { body })),
  });
}

export function useSetup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/setup', 'post'>) => call(api.POST('/api/v1/setup', { body })),
    onSuccess: () => startFreshSession(queryClient),
  });
}

/** Change one's own password (also the forced change after a temporary password). */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/me/password', 'post'>) =>
      call(api.POST('/api/v1/me/password', { body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
      await queryClient.invalidateQueries({ queryKey: ['my-sessions'] });
    },
  });
}

/** The enrollment link of "Reset access" (issue 13): which password to ask for. */
export function useEnrollmentLink(token: string) {
  return useQuery({
    queryKey: ['enrollment-link', token],
    queryFn: () => call(api.GET('/api/v1/auth/enrollment', { params: { query: { token } } })),
    enabled: token.length > 0,
    retry: false,
    staleTime: Infinity,
  });
}

export function useRedeemEnrollment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/auth/enrollment', 'post'>) =>
      call(api.POST('/api/v1/auth/enrollment', { body })),
    onSuccess: (result) => (result.mfaEnrollmentRequired ? undefined : startFreshSession(queryClient)),
  });
}

/** After a required enrollment: the session is full now, load the user. */
export function useFinishEnrollment() {
  const queryClient = useQueryClient();
  return () => startFreshSession(queryClient);
}

/** What the setup page needs before its form: pending or done, the link's state, the live policy. */
export function useSetupStatus(token: string) {
  return useQuery({
    queryKey: ['setup-status', token],
    queryFn: () => call(api.GET('/api/v1/setup/status', { params: { query: token ? { token } : {} } })),
    retry: false,
    staleTime: Infinity,
  });
}
