import { z } from 'zod';
import { actorOf } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { EmailInput, Empty, errorResponses, PasswordInput } from '../../http/schemas.js';
import type { AuthDeps } from './auth.service.js';
import { checkResetToken, completePasswordReset, requestPasswordReset } from './recovery.service.js';

const Accepted = z.object({ message: z.string() }).meta({ id: 'Accepted' });
const ACCEPTED_MESSAGE =
  'If an account exists for this address, we have sent an email with further instructions.';
const TokenQuery = z.strictObject({ token: z.string().min(1).max(128) });

/** Forgot password and the reset link (SEC-RST-*, SEC-ENUM-02). */
export function registerRecoveryRoutes(app: ApiApp, deps: AuthDeps): void {
  const tags = ['auth'];

  app.post('/api/v1/auth/forgot-password', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Email a single-use reset link; always 202 with the same body',
      body: z.strictObject({ email: EmailInput }),
      response: { 202: Accepted, ...errorResponses(400, 403, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      await requestPasswordReset(deps, actorOf(request), request.body);
      return reply.code(202).send({ message: ACCEPTED_MESSAGE });
    },
  });

  app.get('/api/v1/auth/reset-password/status', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Whether a reset link is usable; does not consume it',
      querystring: TokenQuery,
      response: {
        200: z.object({ usable: z.literal(true), minPasswordLength: z.number().int() }),
        ...errorResponses(400),
      },
    },
    handler: async (request) => {
      await checkResetToken(deps, request.query.token);
      return { usable: true as const, minPasswordLength: deps.config.password.minLength };
    },
  });

  app.post('/api/v1/auth/reset-password', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Set a new password with a reset link; ends every session; does not sign in',
      body: z.strictObject({ token: z.string().min(1).max(128), newPassword: PasswordInput }),
      response: { 204: Empty, ...errorResponses(400, 403, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      await completePasswordReset(deps, actorOf(request), request.body);
      return reply.code(204).send(null);
    },
  });
}
