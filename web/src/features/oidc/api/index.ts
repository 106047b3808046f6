import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../../lib/api';

/*
 * The consent page's two calls. They live under /interaction/<uid> (not /api/v1), because the
 * provider's interaction cookie is scoped to that path; so they are outside the OpenAPI document and
 * are called with fetch, through the same error handling as every other call.
 */
export interface ConsentRequest {
  app: { id: string; name: string };
  scopes: string[];
  user: { email: string; name: string };
}

async function json<T>(path: string, init?: RequestInit) {
  const response = await fetch(path, { credentials: 'same-origin', ...init });
  const body: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  return response.ok ? { data: body as T, response } : { error: body, response };
}

export function useConsentRequest(uid: string) {
  return useQuery({
    queryKey: ['consent', uid],
    queryFn: () => call(json<ConsentRequest>(`/interaction/${encodeURIComponent(uid)}/consent`)),
    retry: false,
  });
}

/** Allow or deny; the answer says where the browser goes next (back to the app). */
export function useAnswerConsent(uid: string) {
  return useMutation({
    mutationFn: (allow: boolean) =>
      call(
        json<{ redirectTo: string }>(`/interaction/${encodeURIComponent(uid)}/consent`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ allow }),
        }),
      ),
    onSuccess: ({ redirectTo }) => window.location.assign(redirectTo),
  });
}

/**
 * The password again, when an app asked for a fresh sign-in (`prompt=login`, `max_age`): the step-up
 * call (POST /api/v1/auth/reauthenticate) moves the session's authentication time.
 */
export function useConfirmPassword() {
  return useMutation({
    mutationFn: (password: string) => call(api.POST('/api/v1/auth/reauthenticate', { body: { password } })),
  });
}
