import { actorOf } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, Empty, errorResponses, IdParams } from '../../http/schemas.js';
import { createAdminResetLink } from './admin-reset-link.js';
import { adminResetPassword } from './admin-reset.js';
import { requestPasswordReset } from './forgot-password.js';
import type { RecoveryCtx } from './recovery.context.js';
import {
  Accepted,
  CompleteResetBody,
  ForgotPasswordBody,
  ResetLinkBody,
  ResetLinkResponse,
  ResetPasswordBody,
  ResetPasswordResponse,
  ResetStatus,
  TokenQuery,
} from './recovery.schemas.js';
import { checkResetToken, completePasswordReset } from './reset-link.js';

const ACCEPTED_MESSAGE =
  'If an account exists for this address, we have sent an email with further instructions.';

/**
 * Every way back into an account: Forgot password and the reset link (SEC-RST-*, SEC-ENUM-02), and
 * the admin's Reset password, by temporary password (SEC-TMP-*) or by link.
 */
export function registerRecoveryRoutes(app: ApiApp, ctx: RecoveryCtx): void {
  const tags = ['auth'];

  app.post('/api/v1/auth/forgot-password', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Email a single-use reset link; always 202 with the same body',
      body: ForgotPasswordBody,
      response: { 202: Accepted, ...errorResponses(400, 403, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      await requestPasswordReset(ctx, actorOf(request), request.body);
      return reply.code(202).send({ message: ACCEPTED_MESSAGE });
    },
  });

  app.get('/api/v1/auth/reset-password/status', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Whether a reset link is usable; does not consume it',
      querystring: TokenQuery,
      response: { 200: ResetStatus, ...errorResponses(400) },
    },
    handler: async (request) => {
      const holder = await checkResetToken(ctx, request.query.token);
      return {
        usable: true as const,
        minPasswordLength: ctx.settings.current().password.minLength,
        account: { name: holder.name, maskedEmail: holder.maskedEmail },
        contextWords: holder.contextWords,
      };
    },
  });

  app.post('/api/v1/auth/reset-password', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Set a new password with a reset link; ends every session; does not sign in',
      body: CompleteResetBody,
      response: { 204: Empty, ...errorResponses(400, 403, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      await completePasswordReset(ctx, actorOf(request), request.body);
      return reply.code(204).send(null);
    },
  });

  // An admin resetting another admin needs a recent authentication (step-up, SEC-MFA-07).
  const admin = { access: 'admin', reauthentication: 'adminTarget' } as const;
  const userTags = ['users'];

  app.post('/api/v1/users/:id/password', {
    config: admin,
    schema: {
      tags: userTags,
      summary: 'Reset password: set a temporary password (typed or generated) and end the user’s sessions',
      params: IdParams,
      body: ResetPasswordBody,
      response: { 200: ResetPasswordResponse, ...errorResponses(...AUTHED_ERRORS, 404, 413) },
    },
    handler: (request) => adminResetPassword(ctx, actorOf(request), request.params.id, request.body),
  });

  app.post('/api/v1/users/:id/password-reset-link', {
    config: admin,
    schema: {
      tags: userTags,
      summary:
        'Reset password by link: email the user a 24 h link (send: true) or return it once (send: false)',
      params: IdParams,
      body: ResetLinkBody,
      response: { 200: ResetLinkResponse, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
    },
    handler: (request) => createAdminResetLink(ctx, actorOf(request), request.params.id, request.body),
  });
}
