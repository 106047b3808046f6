import { z } from 'zod';
import { actorOf, signedInActor } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, Empty, errorResponses, PasswordInput } from '../../http/schemas.js';
import { SecondFactorBody } from '../mfa/index.js';
import { sessionCookie } from '../sessions/index.js';
import { SignInResponse } from './auth.schemas.js';
import type { AuthCtx } from './auth.service.js';
import { enrollmentLinkStatus, redeemEnrollment } from './enrollment-link.service.js';
import { reauthenticate, verifySecondStep } from './second-step.service.js';

const EnrollmentLinkStatus = z
  .object({ scope: z.enum(['factors', 'all']), email: z.string(), expiresAt: z.string() })
  .meta({ id: 'EnrollmentLinkStatus' });

const ReauthenticateBody = z.union([z.strictObject({ password: PasswordInput }), SecondFactorBody]);

export function registerSecondStepRoutes(
  app: ApiApp,
  deps: AuthCtx & { config: { secureCookies: boolean } },
): void {
  const cookie = sessionCookie(deps.config);

  app.post('/api/v1/auth/mfa/verify', {
    bodyLimit: AUTH_BODY_LIMIT,
    // Public, so that a missing or expired pending session answers like a wrong code (SEC-MFA-05).
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'The second step of sign-in: an authenticator code or a recovery code',
      description:
        'Needs the pending session a correct password opened. Success replaces it with a new session. ' +
        'A wrong, used or expired code answers 401 invalid_code, and counts toward the account lockout.',
      body: SecondFactorBody,
      response: { 200: SignInResponse, ...errorResponses(400, 401, 403, 413, 415) },
    },
    handler: async (request, reply) => {
      const pending =
        request.principal && request.sessionId && request.sessionState
          ? {
              sessionId: request.sessionId,
              principal: request.principal,
              restriction: request.sessionState.restriction,
            }
          : null;
      const result = await verifySecondStep(deps, actorOf(request), pending, request.body);
      reply.setCookie(cookie.name, result.sessionSecret, {
        ...cookie.options,
        maxAge: Math.floor(deps.settings.current().session.absoluteMs / 1000),
      });
      return {
        user: result.user,
        passwordChangeRequired: result.passwordChangeRequired,
        ...(result.mfaEnrollmentRequired ? { mfaEnrollmentRequired: true as const } : {}),
      };
    },
  });

  app.get('/api/v1/auth/enrollment', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Check an enrollment link from "Reset access" (does not consume it)',
      querystring: z.strictObject({ token: z.string().min(1).max(128) }),
      response: { 200: EnrollmentLinkStatus, ...errorResponses(400) },
    },
    handler: (request) => enrollmentLinkStatus(deps, request.query.token),
  });

  app.post('/api/v1/auth/enrollment', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Use an enrollment link from "Reset access": on any device, once; signs in',
      description:
        'Scope factors: the current password (401 invalid_credentials, counted toward the lockout, keeps the ' +
        'link). Scope all: a new password (the password policy applies). A used or expired link → 400 invalid_enrollment_link.',
      body: z.strictObject({ token: z.string().min(1).max(128), password: PasswordInput }),
      response: { 200: SignInResponse, ...errorResponses(400, 401, 403, 413, 415) },
    },
    handler: async (request, reply) => {
      const result = await redeemEnrollment(deps, actorOf(request), request.body);
      reply.setCookie(cookie.name, result.sessionSecret, {
        ...cookie.options,
        maxAge: Math.floor(deps.settings.current().session.absoluteMs / 1000),
      });
      return {
        user: result.user,
        passwordChangeRequired: false,
        ...(result.mfaEnrollmentRequired ? { mfaEnrollmentRequired: true as const } : {}),
      };
    },
  });

  app.post('/api/v1/auth/reauthenticate', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'user', sessionOnly: true, allowMfaEnrollment: true },
    schema: {
      tags: ['auth'],
      summary: 'Confirm it is you again (password or a factor) before a sensitive change',
      description:
        'Adding or removing factors, new recovery codes, new API tokens and admin actions on another admin ' +
        'answer 403 reauthentication_required when the last authentication is over 10 minutes old.',
      body: ReauthenticateBody,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 413) },
    },
    handler: async (request, reply) => {
      await reauthenticate(deps, signedInActor(request), request.sessionId as string, request.body);
      return reply.code(204).send(null);
    },
  });
}
