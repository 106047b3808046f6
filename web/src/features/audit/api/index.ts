import { keepPreviousData, useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { api, call, isApiError, type BodyOf, type QueryOf, type ResponseOf } from '../../../lib/api';

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

export type AuditExportBody = BodyOf<'/api/v1/audit-events/export', 'post'>;

/** Downloads the events matching the filters (the export is a POST: it is audited). */
export function useAuditExport() {
  return useMutation({
    mutationFn: async (body: AuditExportBody) => {
      const blob = await call(api.POST('/api/v1/audit-events/export', { body, parseAs: 'blob' }));
      const file = `audit-events.${body.format}`;
      const url = URL.createObjectURL(blob as Blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has the file by now; the address is only needed for the click.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return file;
    },
  });
}
