import { z } from 'zod';
import { actorOf } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { errorResponses } from '../../http/schemas.js';
import * as mfa from '../mfa/index.js';
import { sessionCookie } from '../sessions/index.js';
import { SignInResponse } from './auth.schemas.js';
import type { AuthCtx } from './auth.service.js';
import { challengeCookieSecret, passkeySignIn, passkeySignInOptions } from './passkey-sign-in.service.js';

/**
 * The passkey-only sign-in's challenge cookie: HttpOnly, SameSite=Strict, as long as a challenge
 * lives, and `__Host-` prefixed like the session cookie wherever the origin is secure.
 */
export function passkeyChallengeCookie(config: { secureCookies: boolean }) {
  return {
    name: config.secureCookies ? '__Host-gatehouse_passkey' : 'gatehouse_passkey',
    options: {
      httpOnly: true,
      secure: config.secureCookies,
      sameSite: 'strict' as const,
      path: '/',
      maxAge: Math.floor(mfa.CHALLENGE_MS / 1000),
    },
  };
}

export function registerPasskeySignInRoutes(
  app: ApiApp,
  deps: AuthCtx & { config: { secureCookies: boolean } },
): void {
  const session = sessionCookie(deps.config);
  const challengeCookie = passkeyChallengeCookie(deps.config);

  app.post('/api/v1/auth/mfa/passkey/options', {
    bodyLimit: AUTH_BODY_LIMIT,
    // The pending session's second step, and the step-up of a signed-in one (SEC-MFA-05/07).
    config: { access: 'user', sessionOnly: true, allowMfaPending: true, allowMfaEnrollment: true },
    schema: {
      tags: ['auth'],
      summary: 'WebAuthn request options for the second step or the step-up, listing your passkeys',
      description: 'The challenge is good once, for 5 minutes, on this session.',
      response: { 200: mfa.RequestOptions, ...errorResponses(401, 403, 413, 415) },
    },
    handler: (request) =>
      mfa.passkeyRequestOptions(deps, {
        binding: request.sessionId as string,
        userId: (request.principal as { id: string }).id,
      }),
  });

  app.post('/api/v1/auth/passkey/options', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'WebAuthn request options for signing in with a passkey alone (no allowCredentials)',
      description:
        'User verification is required. The challenge is good once, for 5 minutes, in this browser (bound to ' +
        'an HttpOnly cookie this answer sets).',
      response: { 200: mfa.RequestOptions, ...errorResponses(413, 415) },
    },
    handler: async (request, reply) => {
      const secret = challengeCookieSecret(request.cookies[challengeCookie.name]);
      const options = await passkeySignInOptions(deps, secret);
      reply.setCookie(challengeCookie.name, secret, challengeCookie.options);
      return options;
    },
  });

  app.post('/api/v1/auth/passkey/sign-in', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with a passkey alone; sets the session cookie',
      description:
        'Needs the challenge from POST /api/v1/auth/passkey/options in this browser. Every failure (unknown ' +
        'passkey, wrong or replayed answer, no user verification, locked or deactivated account) answers 401 ' +
        'invalid_credentials and counts toward the lockout like a wrong password.',
      body: z.strictObject({ response: mfa.AuthenticationResponse }),
      response: { 200: SignInResponse, ...errorResponses(400, 401, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      const result = await passkeySignIn(
        deps,
        actorOf(request),
        request.cookies[challengeCookie.name],
        request.body.response,
      );
      reply.setCookie(session.name, result.sessionSecret, {
        ...session.options,
        maxAge: Math.floor(deps.settings.current().session.absoluteMs / 1000),
      });
      reply.clearCookie(challengeCookie.name, { ...challengeCookie.options, maxAge: 0 });
      return {
        user: result.user,
        passwordChangeRequired: result.passwordChangeRequired,
        ...(result.mfaEnrollmentRequired ? { mfaEnrollmentRequired: true as const } : {}),
      };
    },
  });
}
