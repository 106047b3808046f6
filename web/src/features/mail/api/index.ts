import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type QueryOf } from '../../../lib/api';

const mailKey = ['mail'] as const;

/** The mail transport and its state (admins). `check` opens a connection to the SMTP server. */
export function useMailStatus(check = false) {
  return useQuery({
    queryKey: [...mailKey, 'status', check],
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/mail', { params: { query: { check: check ? 'true' : 'false' } }, signal })),
    staleTime: check ? 0 : 60_000,
  });
}

export function useSendTestMail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (to?: string) => call(api.POST('/api/v1/mail/test', { body: to ? { to } : {} })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailKey }),
  });
}

export type OutboxQuery = QueryOf<'/api/v1/outbox/messages', 'get'>;

export function useOutbox(query: OutboxQuery) {
  return useQuery({
    queryKey: [...mailKey, 'outbox', query],
    queryFn: ({ signal }) => call(api.GET('/api/v1/outbox/messages', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    // The dispatcher works in the background: the page follows it.
    refetchInterval: 5_000,
  });
}

export function useRetryFailed() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/v1/outbox/retry')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailKey }),
  });
}
