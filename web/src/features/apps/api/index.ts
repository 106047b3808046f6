import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type BodyOf, type ResponseOf } from '../../../lib/api';

export type AppsList = ResponseOf<'/api/v1/apps', 'get'>;
export type RegisteredApp = AppsList['items'][number];
export type NewApp = BodyOf<'/api/v1/apps', 'post'>;
export type ConnectedApps = ResponseOf<'/api/v1/me/apps', 'get'>;

const appsKey = ['apps'] as const;
const connectedKey = ['me', 'apps'] as const;

export function useApps() {
  return useQuery({ queryKey: appsKey, queryFn: () => call(api.GET('/api/v1/apps')) });
}

export function useCreateApp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewApp) => call(api.POST('/api/v1/apps', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: appsKey }),
  });
}

export function useSetAppDisabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, disabled }: { id: string; disabled: boolean }) =>
      call(api.PATCH('/api/v1/apps/{id}', { params: { path: { id } }, body: { disabled } })),
    onSuccess: () => client.invalidateQueries({ queryKey: appsKey }),
  });
}

export function useRotateSecret() {
  return useMutation({
    mutationFn: ({ id, overlapHours }: { id: string; overlapHours: number }) =>
      call(api.POST('/api/v1/apps/{id}/secret', { params: { path: { id } }, body: { overlapHours } })),
  });
}

export function useConnectedApps() {
  return useQuery({ queryKey: connectedKey, queryFn: () => call(api.GET('/api/v1/me/apps')) });
}

export function useDisconnectApp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/me/apps/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: connectedKey }),
  });
}

export type AppChanges = BodyOf<'/api/v1/apps/{id}', 'patch'>;

/** Saves an app's settings (PATCH: only the fields sent change). */
export function useUpdateApp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: AppChanges }) =>
      call(api.PATCH('/api/v1/apps/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: () => client.invalidateQueries({ queryKey: appsKey }),
  });
}
