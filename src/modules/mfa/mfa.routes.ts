import { z } from 'zod';
import { actorOf, signedInActor, signedInPrincipal } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, Empty, errorResponses, IdParams, PlainText } from '../../http/schemas.js';
import { resetAccess, type ResetAccessDeps } from './reset-access.js';
import {
  confirmTotp,
  listFactors,
  regenerateRecoveryCodes,
  removeFactor,
  startTotpEnrollment,
  type MfaDeps,
} from './mfa.service.js';
import {
  ConfirmBody,
  FactorAdded,
  FactorList,
  FactorSchema,
  RecoveryCodes,
  RenameFactorBody,
  TotpEnrollment,
} from './mfa.schemas.js';
import { renameFactor } from './rename-factor.js';

/*
 * A person's own factors. Sessions only (an API token must not be able to add a way in, SEC-TOK-01);
 * open to a session that must enroll (SEC-MFA-05); changes need a recent authentication (SEC-MFA-07).
 */
const OWN = { access: 'user', sessionOnly: true, allowMfaEnrollment: true } as const;
const CHANGE = { ...OWN, reauthentication: 'always' } as const;

const ResetAccessBody = z.strictObject({
  scope: z.enum(['factors', 'all']),
  reason: PlainText(500).trim().min(1),
  send: z.boolean(),
});

const ResetAccessResponse = z
  .object({
    expiresAt: z.string(),
    sent: z.boolean(),
    link: z.string().optional().meta({ description: 'Only when send was false. Shown this once.' }),
  })
  .meta({ id: 'ResetAccess' });

/** Manage users → Reset access… (SEC-MFA-06): admin only, step-up when the user is another admin. */
export function registerResetAccessRoutes(app: ApiApp, deps: ResetAccessDeps): void {
  app.post('/api/v1/users/:id/reset-access', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'admin', reauthentication: 'adminTarget' },
    schema: {
      tags: ['users'],
      summary:
        "Reset a user's access: remove their factors (and password), end sessions and tokens, issue a 24 h link",
      description:
        'One transaction; audited with the reason; the user is mailed. scope factors keeps the password; ' +
        'scope all removes it too. The enrollment link works once, on any device; with send false it is returned.',
      params: IdParams,
      body: ResetAccessBody,
      response: { 200: ResetAccessResponse, ...errorResponses(...AUTHED_ERRORS, 404, 409, 413) },
    },
    handler: (request) => resetAccess(deps, actorOf(request), request.params.id, request.body),
  });
}

export function registerMfaRoutes(app: ApiApp, deps: MfaDeps): void {
  app.get('/api/v1/me/factors', {
    config: OWN,
    schema: {
      tags: ['me'],
      summary: 'Your two-step verification: authenticator apps, passkeys, recovery codes left',
      response: { 200: FactorList, ...errorResponses(401, 403) },
    },
    handler: (request) => listFactors(deps, signedInActor(request).actorId),
  });

  app.post('/api/v1/me/factors/totp', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: CHANGE,
    schema: {
      tags: ['me'],
      summary: 'Start adding an authenticator app: a new key, pending until confirmed with a code',
      description:
        'The key is shown this once. 403 reauthentication_required past 10 minutes since the last authentication.',
      response: { 201: TotpEnrollment, ...errorResponses(...AUTHED_ERRORS) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await startTotpEnrollment(deps, signedInActor(request).actorId)),
  });

  app.post('/api/v1/me/factors/totp/:id/confirm', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: CHANGE,
    schema: {
      tags: ['me'],
      summary: 'Confirm an authenticator app with its first code',
      description: 'The first factor of an account comes with ten recovery codes, shown this once.',
      params: IdParams,
      body: ConfirmBody,
      response: { 200: FactorAdded, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: (request) =>
      confirmTotp(deps, signedInActor(request), request.sessionId, request.params.id, request.body.code),
  });

  app.delete('/api/v1/me/factors/:id', {
    config: CHANGE,
    schema: {
      tags: ['me'],
      summary: 'Remove one of your factors (the last one also removes the recovery codes)',
      params: IdParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
    },
    handler: async (request, reply) => {
      await removeFactor(deps, signedInActor(request), signedInPrincipal(request).role, request.params.id);
      return reply.code(204).send(null);
    },
  });

  // Renaming asks for no recent authentication: a name opens nothing (see rename-factor.ts).
  app.patch('/api/v1/me/factors/:id', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: OWN,
    schema: {
      tags: ['me'],
      summary: 'Rename one of your passkeys or authenticator apps',
      description:
        'The name: 1 to 64 characters, no control, bidirectional or zero-width characters (400 validation_failed, ' +
        'field name). Audited. 404 factor_not_found for a factor that is not yours.',
      params: IdParams,
      body: RenameFactorBody,
      response: { 200: FactorSchema, ...errorResponses(...AUTHED_ERRORS, 404, 413) },
    },
    handler: (request) => renameFactor(deps, signedInActor(request), request.params.id, request.body.name),
  });

  app.post('/api/v1/me/recovery-codes', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: CHANGE,
    schema: {
      tags: ['me'],
      summary: 'A new set of ten recovery codes; the previous set stops working',
      response: { 200: RecoveryCodes, ...errorResponses(...AUTHED_ERRORS, 409) },
    },
    handler: async (request) => ({ codes: await regenerateRecoveryCodes(deps, signedInActor(request)) }),
  });
}
