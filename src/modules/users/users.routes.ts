import { actorOf } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, errorResponses, IdParams } from '../../http/schemas.js';
import {
  CreatedUser,
  CreateUserBody,
  ListUsersQuery,
  ManagedUser,
  SessionsEnded,
  UpdateUserBody,
  UserPage,
  UserSchema,
} from './users.schemas.js';
import { createUser } from './create-user.js';
import { endUserSessions } from './end-user-sessions.js';
import { getUser } from './get-user.js';
import { listUsers } from './list-users.js';
import { setUserStatus } from './set-user-status.js';
import { unlockUser } from './unlock-user.js';
import { updateUser } from './update-user.js';
import { NO_MFA, type MfaSummaries } from './mfa-summaries.js';
import type { UsersCtx } from './users.context.js';

/** Each user's two-step verification summary (counts only), from the mfa module (wired in build-app). */
export type { MfaSummaries } from './mfa-summaries.js';

/** Manage users: admin only. Resetting a password is the recovery module's (recovery.routes.ts). */
export function registerUsersRoutes(app: ApiApp, deps: UsersCtx & { mfaSummaries?: MfaSummaries }): void {
  const withMfa = async <T extends { id: string }>(items: T[]) => {
    const summaries = deps.mfaSummaries ? await deps.mfaSummaries(items.map((u) => u.id)) : new Map();
    return items.map((u) => ({ ...u, mfa: summaries.get(u.id) ?? NO_MFA }));
  };
  const admin = { access: 'admin' } as const;
  // An admin's action on another admin needs a recent authentication (step-up, SEC-MFA-07).
  const adminAction = { access: 'admin', reauthentication: 'adminTarget' } as const;
  const tags = ['users'];

  app.get('/api/v1/users', {
    config: admin,
    schema: {
      tags,
      summary: 'List users: search, filter, sort, keyset pages',
      querystring: ListUsersQuery,
      response: { 200: UserPage, ...errorResponses(400, 401, 403) },
    },
    handler: async (request) => {
      // The summaries come with the page (read beside its lockouts), so none is missing.
      const page = await listUsers(deps, request.query);
      return { ...page, items: page.items.map((u) => ({ ...u, mfa: u.mfa ?? NO_MFA })) };
    },
  });

  app.post('/api/v1/users', {
    config: admin,
    schema: {
      tags,
      summary:
        'Create a user with a temporary password (typed or generated; a generated one is returned once)',
      body: CreateUserBody,
      response: { 201: CreatedUser, ...errorResponses(...AUTHED_ERRORS, 409, 413) },
    },
    handler: async (request, reply) => {
      const { email, name, role } = request.body;
      const password =
        'password' in request.body ? { password: request.body.password } : ({ generate: true } as const);
      const result = await createUser(deps, actorOf(request), {
        email,
        name,
        role,
        password,
        temporary: true,
      });
      return reply.code(201).send(result);
    },
  });

  app.get('/api/v1/users/:id', {
    config: admin,
    schema: {
      tags,
      summary: 'One user',
      params: IdParams,
      response: { 200: ManagedUser, ...errorResponses(401, 403, 404) },
    },
    handler: async (request) => (await withMfa([await getUser(deps, request.params.id)]))[0],
  });

  app.patch('/api/v1/users/:id', {
    config: adminAction,
    schema: {
      tags,
      summary: 'Rename a user or change their role',
      params: IdParams,
      body: UpdateUserBody,
      response: { 200: UserSchema, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
    },
    handler: (request) => updateUser(deps, actorOf(request), request.params.id, request.body),
  });

  for (const [verb, status] of [
    ['deactivate', 'deactivated'],
    ['activate', 'active'],
  ] as const) {
    app.post(`/api/v1/users/:id/${verb}`, {
      config: adminAction,
      schema: {
        tags,
        summary: verb === 'deactivate' ? 'Deactivate a user (ends their sessions)' : 'Activate a user',
        params: IdParams,
        response: { 200: UserSchema, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
      },
      handler: (request) => setUserStatus(deps, actorOf(request), request.params.id, status),
    });
  }

  app.post('/api/v1/users/:id/unlock', {
    config: adminAction,
    schema: {
      tags,
      summary: 'Lift a sign-in lockout',
      params: IdParams,
      response: { 200: UserSchema, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: (request) => unlockUser(deps, actorOf(request), request.params.id),
  });

  app.delete('/api/v1/users/:id/sessions', {
    config: adminAction,
    schema: {
      tags,
      summary: 'Sign a user out everywhere: every session ends and every API token is revoked',
      params: IdParams,
      response: { 200: SessionsEnded, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: (request) => endUserSessions(deps, actorOf(request), request.params.id),
  });
}
