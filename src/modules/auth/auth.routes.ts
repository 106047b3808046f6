import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { actorOf, credentialOf, signedInActor, signedInPrincipal } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { commonErrors } from '../../shared/common.errors.js';
import { InFlightLimit } from '../../shared/in-flight.js';
import { AUTHED_ERRORS, Empty, errorResponses, IdParams } from '../../http/schemas.js';
import { listSessions, sessionCookie } from '../sessions/index.js';
import {
  changeOwnPassword,
  completeSetup,
  endMySession,
  signOut,
  updateMyProfile,
  type AuthCtx,
} from './auth.service.js';
import { signIn } from './sign-in.service.js';
import { meOf } from './me.js';
import {
  ChangePasswordBody,
  MeResponse,
  SecondStepRequired,
  SessionList,
  SetupBody,
  SignInBody,
  SignInResponse,
  UpdateMeBody,
} from './auth.schemas.js';

export function registerAuthRoutes(
  app: ApiApp,
  deps: AuthCtx & { config: { secureCookies: boolean; hashShare: { perCredential: number } } },
): void {
  const cookie = sessionCookie(deps.config);
  // A session or token may have only its hashing share of password changes in progress on this node
  // (SEC-PS-02): a flood of parallel requests from one credential is refused before it costs the
  // database a write each (the attempt counters) or the hash pool a queue.
  const passwordChanges = new InFlightLimit(deps.config.hashShare.perCredential);
  const setSessionCookie = (reply: FastifyReply, secret: string) =>
    reply.setCookie(cookie.name, secret, {
      ...cookie.options,
      maxAge: Math.floor(deps.settings.current().session.absoluteMs / 1000),
    });

  app.post('/api/v1/setup', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Create the first admin with the one-time setup token (404 once any user exists)',
      body: SetupBody,
      response: { 201: SignInResponse, ...errorResponses(400, 403, 404, 413, 415) },
    },
    handler: async (request, reply) => {
      const result = await completeSetup(deps, actorOf(request), request.body);
      setSessionCookie(reply, result.sessionSecret);
      return reply.code(201).send({ user: result.user, passwordChangeRequired: false });
    },
  });

  app.post('/api/v1/auth/sign-in', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password; sets the session cookie',
      description:
        'Every failure answers 401 invalid_credentials, whatever the reason. A user with two-step ' +
        'verification gets { mfaRequired, methods } and a pending session for POST /api/v1/auth/mfa/verify.',
      body: SignInBody,
      response: {
        200: z.union([SignInResponse, SecondStepRequired]),
        ...errorResponses(400, 401, 403, 413, 415, 429),
      },
    },
    handler: async (request, reply) => {
      const result = await signIn(deps, actorOf(request), request.body);
      setSessionCookie(reply, result.sessionSecret);
      if ('mfaRequired' in result) return { mfaRequired: true as const, methods: result.methods };
      return {
        user: result.user,
        passwordChangeRequired: result.passwordChangeRequired,
        ...(result.mfaEnrollmentRequired ? { mfaEnrollmentRequired: true as const } : {}),
      };
    },
  });

  app.post('/api/v1/auth/sign-out', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'user', allowTemporaryPassword: true, allowMfaPending: true, allowMfaEnrollment: true },
    schema: {
      tags: ['auth'],
      summary: 'End the current session',
      response: { 204: Empty, ...errorResponses(401, 403) },
    },
    handler: async (request, reply) => {
      if (request.sessionId) await signOut(deps, actorOf(request), request.sessionId);
      reply.clearCookie(cookie.name, cookie.options);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/v1/me', {
    config: { access: 'user', allowTemporaryPassword: true },
    schema: {
      tags: ['me'],
      summary: 'The signed-in user',
      response: { 200: MeResponse, ...errorResponses(401, 403) },
    },
    handler: async (request) => {
      // The guard has just read the user and its lockout (fresh, SEC-SES-04): no second read.
      return meOf(signedInPrincipal(request).user, deps.settings.current());
    },
  });

  app.patch('/api/v1/me', {
    schema: {
      tags: ['me'],
      summary: 'Change your own preferences (the language of mail and the console)',
      body: UpdateMeBody,
      response: { 200: MeResponse, ...errorResponses(...AUTHED_ERRORS) },
    },
    handler: async (request) => {
      return meOf(await updateMyProfile(deps, signedInActor(request), request.body), deps.settings.current());
    },
  });

  app.post('/api/v1/me/password', {
    bodyLimit: AUTH_BODY_LIMIT,
    // A token that could change the password could turn itself into a browser session (SEC-TOK-01).
    config: { access: 'user', allowTemporaryPassword: true, sessionOnly: true },
    schema: {
      tags: ['me'],
      summary:
        'Change your own password (needs the current one); ends your other sessions and revokes your API tokens',
      description:
        'Five wrong current passwords in 15 minutes, per user or per session/token, answer 429 rate_limited ' +
        '(Retry-After) and end the session or token that made them; the account is not locked. ' +
        'A session only: an API token gets 403 session_required.',
      body: ChangePasswordBody,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 413, 429) },
    },
    handler: async (request, reply) => {
      const credential = credentialOf(request);
      const release = passwordChanges.enter(`${credential.kind}:${credential.id}`);
      if (!release) throw commonErrors.rate_limited().withRetryAfter(1);
      try {
        const { sessionSecret } = await changeOwnPassword(
          deps,
          signedInActor(request),
          credential,
          request.body,
        );
        setSessionCookie(reply, sessionSecret);
      } finally {
        release();
      }
      return reply.code(204).send(null);
    },
  });

  app.get('/api/v1/me/sessions', {
    schema: {
      tags: ['me'],
      summary: 'Your active sessions',
      response: { 200: SessionList, ...errorResponses(401, 403) },
    },
    handler: async (request) => ({
      items: await listSessions(deps, signedInActor(request).actorId, request.sessionId),
    }),
  });

  app.delete('/api/v1/me/sessions/:id', {
    schema: {
      tags: ['me'],
      summary: 'End one of your sessions',
      params: IdParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: async (request, reply) => {
      await endMySession(deps, signedInActor(request), request.params.id);
      if (request.params.id === request.sessionId) reply.clearCookie(cookie.name, cookie.options);
      return reply.code(204).send(null);
    },
  });
}
