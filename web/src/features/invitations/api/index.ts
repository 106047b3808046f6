import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, isApiError, type QueryOf, type ResponseOf, type Role } from '../../../lib/api';

export type InvitationsQuery = QueryOf<'/api/v1/invitations', 'get'>;
export type Invitation = ResponseOf<'/api/v1/invitations', 'get'>['items'][number];
export type InviteResult = ResponseOf<'/api/v1/invitations/bulk', 'post'>['results'][number];

const invitationsKey = ['invitations'] as const;
/** Manage users' list shows pending invitations among the users (its cache lives under ['users', 'people']). */
const refreshLists = (queryClient: ReturnType<typeof useQueryClient>) =>
  Promise.all([
    queryClient.invalidateQueries({ queryKey: invitationsKey }),
    queryClient.invalidateQueries({ queryKey: ['users', 'people'] }),
  ]);

export function useInvitations(query: InvitationsQuery, enabled = true) {
  return useQuery({
    queryKey: [...invitationsKey, 'list', query],
    queryFn: ({ signal }) => call(api.GET('/api/v1/invitations', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/**
 * Invites one person (POST /invitations) or many (POST /invitations/bulk); either way the answer is
 * one result per address, so the dialog shows who was invited and why anyone was not.
 */
export function useInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (
      rows: Array<{ email: string; role: Role; name?: string }>,
    ): Promise<InviteResult[]> => {
      const [only] = rows;
      if (rows.length === 1 && only) {
        try {
          const { invitation } = await call(api.POST('/api/v1/invitations', { body: only }));
          return [{ index: 0, email: invitation.email, status: 'created', invitation }];
        } catch (error) {
          if (isApiError(error) && error.status !== 401 && error.status !== 403 && error.status < 500) {
            return [
              { index: 0, email: only.email, status: 'error', code: error.code, message: error.message },
            ];
          }
          throw error;
        }
      }
      const { results } = await call(api.POST('/api/v1/invitations/bulk', { body: { invitations: rows } }));
      return results;
    },
    onSuccess: () => refreshLists(queryClient),
  });
}

export function useResendInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/invitations/{id}/resend', { params: { path: { id } } })),
    onSuccess: () => refreshLists(queryClient),
  });
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/invitations/{id}', { params: { path: { id } } })),
    onSuccess: () => refreshLists(queryClient),
  });
}

export function useInvitationLookup(token: string) {
  return useQuery({
    queryKey: ['invitation-lookup', token],
    queryFn: () => call(api.GET('/api/v1/invitations/lookup', { params: { query: { token } } })),
    enabled: token.length > 0,
    retry: false,
    staleTime: Infinity,
  });
}

export function useAcceptInvitation() {
  return useMutation({
    mutationFn: (body: { token: string; name: string; password: string }) =>
      call(api.POST('/api/v1/invitations/accept', { body })),
  });
}

/**
 * Copy link (issue 14, item 1): a new link for each pending invitation, returned once; the one in the
 * mail (or the log) stops working.
 */
export function useInvitationLinks() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => call(api.POST('/api/v1/invitations/links', { body: { ids } })),
    onSuccess: () => refreshLists(queryClient),
  });
}
