import { z } from 'zod';
import { actorOf, signedInActor } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, Empty, errorResponses, IdParams, NameInput } from '../../http/schemas.js';
import { createToken, listTokens, revokeToken, type TokenOwners, type TokensDeps } from './tokens.service.js';

const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

const TokenList = z.object({ items: z.array(TokenSchema) });
const TokenIdParams = z.strictObject({ id: IdParams.shape.id, tokenId: IdParams.shape.id });

/** Personal API tokens (SEC-TOK-01): own tokens under /me, and admins' view of a user's tokens. */
export function registerTokenRoutes(app: ApiApp, deps: TokensDeps & { owners: TokenOwners }): void {
  const tags = ['tokens'];

  app.post('/api/v1/me/tokens', {
    // A token may not mint tokens: a stolen one would otherwise outlive its own revocation (SEC-TOK-01).
    // Step-up (SEC-MFA-07): a new token is a new way in.
    config: { sessionOnly: true, reauthentication: 'always' },
    schema: {
      tags,
      summary: 'Create an API token; the token is returned this once',
      body: z.strictObject({ name: NameInput, expiresAt: z.iso.datetime({ offset: true }).optional() }),
      response: {
        201: z.object({ token: z.string(), info: TokenSchema }),
        ...errorResponses(...AUTHED_ERRORS, 409),
      },
    },
    handler: async (request, reply) => {
      const actor = signedInActor(request);
      const result = await createToken(
        deps,
        actor,
        await deps.owners.owner(deps, actor.actorId),
        request.body,
      );
      return reply.code(201).send(result);
    },
  });

  app.get('/api/v1/me/tokens', {
    schema: {
      tags,
      summary: 'Your API tokens (never the secrets)',
      response: { 200: TokenList, ...errorResponses(401, 403) },
    },
    handler: async (request) => ({ items: await listTokens(deps, signedInActor(request).actorId) }),
  });

  app.delete('/api/v1/me/tokens/:id', {
    schema: {
      tags,
      summary: 'Revoke one of your API tokens',
      params: IdParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: async (request, reply) => {
      const actor = signedInActor(request);
      await revokeToken(deps, actor, await deps.owners.owner(deps, actor.actorId), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/v1/users/:id/tokens', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: "A user's API tokens",
      params: IdParams,
      response: { 200: TokenList, ...errorResponses(401, 403, 404) },
    },
    handler: async (request) => {
      const owner = await deps.owners.owner(deps, request.params.id);
      return { items: await listTokens(deps, owner.id) };
    },
  });

  app.delete('/api/v1/users/:id/tokens/:tokenId', {
    config: { access: 'admin', reauthentication: 'adminTarget' },
    schema: {
      tags,
      summary: "Revoke a user's API token",
      params: TokenIdParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404) },
    },
    handler: async (request, reply) => {
      await revokeToken(
        deps,
        actorOf(request),
        await deps.owners.owner(deps, request.params.id),
        request.params.tokenId,
      );
      return reply.code(204).send(null);
    },
  });
}
