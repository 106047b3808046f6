import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, type BodyOf } from '../../../lib/api';

/** Creates one of your API tokens; the secret comes back this once (SEC-TOK-01). */
export function useCreateMyToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/me/tokens', 'post'>) => call(api.POST('/api/v1/me/tokens', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['my-tokens'] }),
  });
}
