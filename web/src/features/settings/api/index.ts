import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type BodyOf } from '../../../lib/api';

const settingsKey = ['settings'] as const;

export function useSettings() {
  return useQuery({ queryKey: settingsKey, queryFn: () => call(api.GET('/api/v1/settings')) });
}

export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/settings', 'patch'>) => call(api.PATCH('/api/v1/settings', { body })),
    onSuccess: (data) => queryClient.setQueryData(settingsKey, data),
  });
}
