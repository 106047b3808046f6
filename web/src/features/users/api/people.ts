import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type BodyOf, type QueryOf, type ResponseOf } from '../../../lib/api';

/** Manage users' one list: users and pending invitations (GET /api/v1/people). */
export type PeopleQuery = QueryOf<'/api/v1/people', 'get'>;
export type PeoplePage = ResponseOf<'/api/v1/people', 'get'>;
export type Person = PeoplePage['items'][number];
export type PersonInvitation = Extract<Person, { kind: 'invitation' }>['invitation'];
export type BulkBody = BodyOf<'/api/v1/people/bulk', 'post'>;
export type BulkResult = ResponseOf<'/api/v1/people/bulk', 'post'>;

/** Under ['users']: every change to a user refreshes it; the invitations feature refreshes it too. */
export const peopleKey = ['users', 'people'] as const;

export const personId = (person: Person): string =>
  person.kind === 'user' ? person.user.id : person.invitation.id;

/** One page of people; the previous page stays on screen while the next one loads. */
export function usePeople(query: PeopleQuery) {
  return useQuery({
    queryKey: [...peopleKey, query],
    queryFn: ({ signal }) => call(api.GET('/api/v1/people', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** Resend, revoke, change role or deactivate many at once: one answer with each refusal's code. */
export function useBulkPeople() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkBody) => call(api.POST('/api/v1/people/bulk', { body })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['users'] }),
        queryClient.invalidateQueries({ queryKey: ['invitations'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-events'] }),
      ]),
  });
}

/** Reset access (issue 13): the admin never sees a factor, only the link when asked to copy it. */
export function useResetAccess() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string } & BodyOf<'/api/v1/users/{id}/reset-access', 'post'>) =>
      call(api.POST('/api/v1/users/{id}/reset-access', { params: { path: { id } }, body })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['users'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-events'] }),
      ]),
  });
}
