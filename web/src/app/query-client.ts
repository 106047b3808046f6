import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from '../lib/api';

export interface SessionHandlers {
  /** Any call answered 401 unauthenticated: the session ended (signed out elsewhere, deactivated, reset, expired). */
  onSessionEnded(): void;
  /** Any call answered 403 password_change_required: a temporary password must be replaced first. */
  onPasswordChangeRequired(): void;
}

/**
 * One place decides what a failed call means for the whole console: a 401 sends the person to
 * sign-in with a message, a 403 password_change_required to the forced change page. Client errors
 * are not retried; network and server errors once.
 */
export function createQueryClient(handlers: SessionHandlers): QueryClient {
  const handle = (error: unknown, meta: Record<string, unknown> | undefined) => {
    if (!isApiError(error)) return;
    if (error.code === 'unauthenticated' && !meta?.ignoreUnauthenticated) handlers.onSessionEnded();
    else if (error.code === 'password_change_required') handlers.onPasswordChangeRequired();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => handle(error, query.meta) }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => handle(error, mutation.meta),
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, error) =>
          !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 1,
      },
      mutations: { retry: false },
    },
  });
}
