import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type QueryOf, type Role } from '../../../lib/api';

export type UsersQuery = QueryOf<'/api/v1/users', 'get'>;
type UsersPage = Awaited<ReturnType<typeof fetchUsers>>;
const fetchUsers = (query: UsersQuery, signal?: AbortSignal) =>
  call(api.GET('/api/v1/users', { params: { query }, signal }));

const usersKey = ['users'] as const;

/** One page of the users list; the previous page stays on screen while the next one loads. */
export function useUsers(query: UsersQuery, enabled = true) {
  return useQuery({
    queryKey: [...usersKey, 'list', query],
    queryFn: ({ signal }) => fetchUsers(query, signal),
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

/** After a change to a user: the lists and pages, and the audit events it wrote (the user page shows them). */
function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: usersKey }),
      queryClient.invalidateQueries({ queryKey: ['audit-events'] }),
    ]);
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

const userKey = (id: string) => [...usersKey, 'one', id] as const;

/** One user, for their page. */
export function useUser(id: string) {
  return useQuery({
    queryKey: userKey(id),
    queryFn: ({ signal }) => call(api.GET('/api/v1/users/{id}', { params: { path: { id } }, signal })),
  });
}

export type CreateUserBody =
  | { email: string; name: string; role: Role; password: string }
  | { email: string; name: string; role: Role; generatePassword: true };

export function useCreateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (body: CreateUserBody) => call(api.POST('/api/v1/users', { body })),
    onSuccess: invalidate,
  });
}

/** Add user → "send an invitation instead": the same call as the Invite dialog's, one person. */
export function useInviteOne() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; name: string; role: Role }) =>
      call(api.POST('/api/v1/invitations', { body })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['invitations'] }),
        queryClient.invalidateQueries({ queryKey: [...usersKey, 'people'] }),
      ]),
  });
}

export function useRenameUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) =>
      call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { name } })),
    onSuccess: invalidate,
  });
}

export function useChangeUserEmail() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, email }: { id: string; email: string }) =>
      call(api.PUT('/api/v1/users/{id}/email', { params: { path: { id } }, body: { email } })),
    onSuccess: invalidate,
  });
}

function withoutUser(page: UsersPage, id: string): UsersPage {
  const items = page.items.filter((user) => user.id !== id);
  const removed = page.items.length - items.length;
  return { ...page, items, total: page.total - removed };
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: string }) =>
      call(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } })),
    // The page of a deleted user must not refetch it (404): drop it. The cached lists lose the row at once,
    // so that going back to Manage users never shows the deleted user while the list refetches.
    onSuccess: (_data, { id }) => {
      queryClient.removeQueries({ queryKey: userKey(id) });
      queryClient.setQueriesData<UsersPage>({ queryKey: [...usersKey, 'list'] }, (page) =>
        page ? withoutUser(page, id) : page,
      );
      queryClient.setQueriesData<{ items: Array<{ kind: string; user?: { id: string } }> }>(
        { queryKey: [...usersKey, 'people'] },
        (page) => (page ? { ...page, items: page.items.filter((p) => p.user?.id !== id) } : page),
      );
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: [...usersKey, 'list'] }),
        queryClient.invalidateQueries({ queryKey: [...usersKey, 'people'] }),
      ]);
    },
  });
}

export function useUnlockUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id }: { id: string }) =>
      call(api.POST('/api/v1/users/{id}/unlock', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

const sessionsKey = (id: string) => [...usersKey, 'sessions', id] as const;

export function useUserSessions(id: string) {
  return useQuery({
    queryKey: sessionsKey(id),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/users/{id}/sessions', { params: { path: { id } }, signal })),
  });
}

export function useEndUserSession(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      call(api.DELETE('/api/v1/users/{id}/sessions/{sessionId}', { params: { path: { id, sessionId } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionsKey(id) }),
        queryClient.invalidateQueries({ queryKey: ['audit-events'] }),
      ]),
  });
}
