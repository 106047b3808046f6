import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { api, call, isApiError, type QueryOf, type ResponseOf } from '../../../lib/api';

export type AuditQuery = QueryOf<'/api/v1/audit-events', 'get'>;
export type AuditEvent = ResponseOf<'/api/v1/audit-events', 'get'>['items'][number];

export function useAuditEvents(query: AuditQuery, enabled = true) {
  return useQuery({
    queryKey: ['audit-events', query],
    queryFn: ({ signal }) => call(api.GET('/api/v1/audit-events', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The user with exactly this email (the filters take emails; the API takes ids). null: no such user. */
export function useUserIdByEmail(email: string) {
  return useQuery({
    queryKey: ['user-by-email', email],
    queryFn: async ({ signal }) => {
      const page = await call(
        api.GET('/api/v1/users', { params: { query: { q: email, limit: 100 } }, signal }),
      );
      return page.items.find((u) => u.email === email.trim().toLowerCase())?.id ?? null;
    },
    enabled: email.length > 0,
    staleTime: 60_000,
  });
}

/** Current names of the people in a page of events, so events read "Ana reset Bob's password". */
export function useUserNames(ids: string[]): Map<string, string> {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['user-name', id],
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        try {
          const user = await call(api.GET('/api/v1/users/{id}', { params: { path: { id } }, signal }));
          return user.name;
        } catch (error) {
          if (isApiError(error) && error.status === 404) return null;
          throw error;
        }
      },
      staleTime: 5 * 60_000,
    })),
  });
  const names = new Map<string, string>();
  ids.forEach((id, i) => {
    const name = results[i]?.data;
    if (name) names.set(id, name);
  });
  return names;
}
