import { signedInActor } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, errorResponses } from '../../http/schemas.js';
import type { MfaDeps } from './mfa.service.js';
import { AddPasskeyBody, FactorAdded } from './mfa.schemas.js';
import { addPasskey, passkeyCreationOptions } from './passkeys.js';
import { CreationOptions } from './passkeys.schemas.js';

/*
 * Adding a passkey (SEC-MFA-04), like the other factor changes: sessions only, open to a session that
 * must enroll (SEC-MFA-05), and a recent authentication (SEC-MFA-07). The challenge is bound to the
 * session that asked for it.
 */
const CHANGE = {
  access: 'user',
  sessionOnly: true,
  allowMfaEnrollment: true,
  reauthentication: 'always',
} as const;

export function registerPasskeyRoutes(app: ApiApp, deps: MfaDeps): void {
  app.post('/api/v1/me/factors/passkeys/options', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: CHANGE,
    schema: {
      tags: ['me'],
      summary: 'Start adding a passkey: WebAuthn creation options for navigator.credentials.create()',
      description:
        'Your passkeys are excluded, so one authenticator is registered once. The challenge is good once, ' +
        'for 5 minutes, on this session. 403 reauthentication_required past 10 minutes since the last authentication.',
      response: { 200: CreationOptions, ...errorResponses(...AUTHED_ERRORS, 413) },
    },
    handler: (request) =>
      passkeyCreationOptions(deps, signedInActor(request).actorId, request.sessionId as string),
  });

  app.post('/api/v1/me/factors/passkeys', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: CHANGE,
    schema: {
      tags: ['me'],
      summary: "Add a passkey from the authenticator's answer",
      description:
        'The name defaults to the authenticator\'s model where its AAGUID is known, else "Passkey". The first ' +
        'factor of an account comes with ten recovery codes, shown this once. 400 invalid_passkey_response when ' +
        'the answer does not verify (challenge used or expired, another origin or RP ID); 409 ' +
        'passkey_already_registered for a passkey already added.',
      body: AddPasskeyBody,
      response: { 201: FactorAdded, ...errorResponses(...AUTHED_ERRORS, 404, 409, 413) },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await addPasskey(deps, signedInActor(request), request.sessionId as string, request.body)),
  });
}
