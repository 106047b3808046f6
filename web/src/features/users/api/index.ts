import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type QueryOf, type Role } from '../../../lib/api';

export type UsersQuery = QueryOf<'/api/v1/users', 'get'>;

const usersKey = ['users'] as const;

/** One page of the users list; the previous page stays on screen while the next one loads. */
export function useUsers(query: UsersQuery, enabled = true) {
  return useQuery({
    queryKey: [...usersKey, 'list', query],
    queryFn: ({ signal }) => call(api.GET('/api/v1/users', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The organization's password and temporary-password rules, for the Reset password dialog. */
export function useOrganizationPolicy() {
  return useQuery({
    queryKey: ['settings'],
    queryFn: () => call(api.GET('/api/v1/settings')),
    staleTime: 60_000,
  });
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: usersKey });
}

export function useResetUserPassword() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string } & ({ password: string } | { generate: true })) =>
      call(api.POST('/api/v1/users/{id}/password', { params: { path: { id } }, body })),
    onSuccess: invalidate,
  });
}

export function useCreateResetLink() {
  return useMutation({
    mutationFn: ({ id, send }: { id: string; send: boolean }) =>
      call(api.POST('/api/v1/users/{id}/password-reset-link', { params: { path: { id } }, body: { send } })),
  });
}

export function useChangeRole() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { role } })),
    onSuccess: invalidate,
  });
}

export function useSetUserStatus() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      active
        ? call(api.POST('/api/v1/users/{id}/activate', { params: { path: { id } } }))
        : call(api.POST('/api/v1/users/{id}/deactivate', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

export function useEndUserSessions() {
  return useMutation({
    mutationFn: ({ id }: { id: string }) =>
      call(api.DELETE('/api/v1/users/{id}/sessions', { params: { path: { id } } })),
  });
}

const tokensKey = (id: string) => [...usersKey, 'tokens', id] as const;

export function useUserTokens(id: string) {
  return useQuery({
    queryKey: tokensKey(id),
    queryFn: () => call(api.GET('/api/v1/users/{id}/tokens', { params: { path: { id } } })),
  });
}

export function useRevokeUserToken(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      call(api.DELETE('/api/v1/users/{id}/tokens/{tokenId}', { params: { path: { id, tokenId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey(id) }),
  });
}
