import { actorOf, signedInActor } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, Empty, errorResponses, IdParams } from '../../http/schemas.js';
import { UserSchema } from './users.schemas.js';
import {
  adminChangeEmail,
  confirmEmail,
  pendingOwnEmailChange,
  requestOwnEmailChange,
  type ChangeEmailDeps,
} from './change-email.js';
import { deleteUser, type DeleteUserDeps } from './delete-user.js';
import {
  ChangeEmailBody,
  ConfirmEmailBody,
  ConfirmedEmail,
  DeletedUser,
  MyEmailChange,
  PendingEmailChange,
  UserSessionList,
  UserSessionParams,
} from './lifecycle.schemas.js';
import { endUserSession, listUserSessions, type UserSessionsDeps } from './user-sessions.js';

export type LifecycleDeps = ChangeEmailDeps & DeleteUserDeps & UserSessionsDeps;

/** A user's life from the console (issue 14): delete, change email, their sessions one by one. */
export function registerUserLifecycleRoutes(app: ApiApp, deps: LifecycleDeps): void {
  const admin = { access: 'admin' } as const;
  const tags = ['users'];

  app.delete('/api/v1/users/:id', {
    config: admin,
    schema: {
      tags,
      summary:
        'Delete a user: erases their personal data, keeps the audit events (they point at a tombstone); ' +
        'never the last active admin (409 last_admin) nor yourself (400 cannot_delete_self)',
      params: IdParams,
      response: { 200: DeletedUser, ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: (request) => deleteUser(deps, actorOf(request), request.params.id),
  });

  app.put('/api/v1/users/:id/email', {
    config: admin,
    schema: {
      tags,
      summary:
        'Change a user’s email: it changes now, unverified until the user uses the link mailed to it; ' +
        'the old address is told',
      params: IdParams,
      body: ChangeEmailBody,
      response: { 200: UserSchema, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
    },
    handler: (request) => adminChangeEmail(deps, actorOf(request), request.params.id, request.body.email),
  });

  app.get('/api/v1/users/:id/sessions', {
    config: admin,
    schema: {
      tags,
      summary: 'A user’s active sessions',
      params: IdParams,
      response: { 200: UserSessionList, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request) => ({
      items: await listUserSessions(deps, request.params.id, request.sessionId ?? null),
    }),
  });

  app.delete('/api/v1/users/:id/sessions/:sessionId', {
    config: admin,
    schema: {
      tags,
      summary: 'End one session of a user',
      params: UserSessionParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: async (request, reply) => {
      await endUserSession(deps, actorOf(request), request.params.id, request.params.sessionId);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/v1/me/email', {
    schema: {
      tags: ['me'],
      summary: 'Your pending email change, if any',
      response: { 200: MyEmailChange, ...errorResponses(401, 403) },
    },
    handler: async (request) => ({
      pending: await pendingOwnEmailChange(deps, signedInActor(request).actorId),
    }),
  });

  app.post('/api/v1/me/email', {
    // A session, not an API token: a leaked token must not be able to take the account's mail.
    config: { sessionOnly: true },
    schema: {
      tags: ['me'],
      summary:
        'Change your email: a confirmation link goes to the new address and a notice to the current one; ' +
        'the address changes when the link is used',
      body: ChangeEmailBody,
      response: { 202: PendingEmailChange, ...errorResponses(...AUTHED_ERRORS, 409) },
    },
    handler: async (request, reply) => {
      const actor = signedInActor(request);
      const pending = await requestOwnEmailChange(deps, actor, actor.actorId, request.body.email);
      return reply.code(202).send(pending);
    },
  });

  app.post('/api/v1/email-confirmations', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Use an email confirmation link (single use; 400 invalid_email_link when unusable)',
      body: ConfirmEmailBody,
      response: { 200: ConfirmedEmail, ...errorResponses(400, 403, 409, 413, 415) },
    },
    handler: (request) => confirmEmail(deps, actorOf(request), request.body.token),
  });
}
