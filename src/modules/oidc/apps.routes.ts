import { z } from 'zod';
import { actorOf, signedInActor } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, Empty, errorResponses, IdParams } from '../../http/schemas.js';
import {
  createApp,
  deleteApp,
  disconnectApp,
  getApp,
  listApps,
  listConnectedApps,
  rotateAppSecret,
  updateApp,
  type AppsDeps,
} from './apps.service.js';
import {
  AppSchema,
  ConnectedApp,
  CreateAppBody,
  CreatedApp,
  LogoutDeliverySchema,
  RotateSecretBody,
  UpdateAppBody,
} from './apps.schemas.js';
import { listLogoutDeliveries } from './logout.outbox.js';

/** The apps registry (admins) and a user's connected apps (issue 12). */
export function registerAppsRoutes(app: ApiApp, deps: AppsDeps & { issuer: string }): void {
  const tags = ['apps'];
  const admin = { access: 'admin' as const };

  app.post('/api/v1/apps', {
    config: admin,
    schema: {
      tags,
      summary: 'Register an app; a web or service app’s client secret is returned this once',
      body: CreateAppBody,
      response: { 201: CreatedApp, ...errorResponses(...AUTHED_ERRORS) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createApp(deps, actorOf(request), request.body)),
  });

  app.get('/api/v1/apps', {
    config: admin,
    schema: {
      tags,
      summary: 'Registered apps, with the issuer they use',
      response: {
        200: z.object({ issuer: z.string(), items: z.array(AppSchema) }),
        ...errorResponses(401, 403),
      },
    },
    handler: async () => ({ issuer: deps.issuer, items: await listApps(deps) }),
  });

  app.get('/api/v1/apps/logout-deliveries', {
    config: admin,
    schema: {
      tags,
      summary: 'Back-channel logout deliveries, newest first (pending, sent, failed)',
      response: { 200: z.object({ items: z.array(LogoutDeliverySchema) }), ...errorResponses(401, 403) },
    },
    handler: async () => ({ items: await listLogoutDeliveries(deps) }),
  });

  app.get('/api/v1/apps/:id', {
    config: admin,
    schema: {
      tags,
      summary: 'One app',
      params: IdParams,
      response: { 200: AppSchema, ...errorResponses(401, 403, 404) },
    },
    handler: async (request) => getApp(deps, request.params.id),
  });

  app.patch('/api/v1/apps/:id', {
    config: admin,
    schema: {
      tags,
      summary: 'Change an app (name, URIs, roles, consent, algorithm) or disable it',
      params: IdParams,
      body: UpdateAppBody,
      response: { 200: AppSchema, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: async (request) => updateApp(deps, actorOf(request), request.params.id, request.body),
  });

  app.delete('/api/v1/apps/:id', {
    config: admin,
    schema: {
      tags,
      summary: 'Delete an app and everything issued to it',
      params: IdParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: async (request, reply) => {
      await deleteApp(deps, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/api/v1/apps/:id/secret', {
    config: admin,
    schema: {
      tags,
      summary: 'Rotate the client secret (returned this once); the old one may keep working overlapHours',
      params: IdParams,
      body: RotateSecretBody,
      response: {
        200: z.object({ clientSecret: z.string() }),
        ...errorResponses(...AUTHED_ERRORS, 404, 409),
      },
    },
    handler: async (request) =>
      rotateAppSecret(deps, actorOf(request), request.params.id, request.body.overlapHours),
  });

  app.get('/api/v1/me/apps', {
    schema: {
      tags,
      summary: 'The apps you have connected',
      response: { 200: z.object({ items: z.array(ConnectedApp) }), ...errorResponses(401, 403) },
    },
    handler: async (request) => ({ items: await listConnectedApps(deps, signedInActor(request).actorId) }),
  });

  app.delete('/api/v1/me/apps/:id', {
    schema: {
      tags,
      summary: 'Disconnect an app: its access to your account ends at once',
      params: IdParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: async (request, reply) => {
      await disconnectApp(deps, signedInActor(request), request.params.id);
      return reply.code(204).send(null);
    },
  });
}
