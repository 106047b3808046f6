import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { actorOf } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { errorResponses } from '../../http/schemas.js';
import { recordStandaloneEvent } from '../audit/index.js';
import type { Principal } from '../users/index.js';
import { rolesOf, type AppsDeps } from './apps.service.js';
import { findApp, type AppRow } from './apps.store.js';
import { freshSignInNeeded, freshSignInSince } from './interaction.fresh-sign-in.js';
import { oidcErrors } from './oidc.errors.js';
import { fullySignedIn } from './provider.signed-in.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

const UidParams = z.strictObject({ uid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

async function details(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Interaction> {
  try {
    return await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    throw oidcErrors.interaction_not_found();
  }
}

/** The scopes and claims the pending prompt asks for, as a grant stores them. */
async function grantFor(provider: Provider, interaction: Interaction, accountId: string): Promise<string> {
  const { prompt, params } = interaction;
  const clientId = String(params.client_id);
  const grant = interaction.grantId
    ? ((await provider.Grant.find(interaction.grantId)) ?? new provider.Grant({ accountId, clientId }))
    : new provider.Grant({ accountId, clientId });
  const detail = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (detail.missingOIDCScope) grant.addOIDCScope(detail.missingOIDCScope.join(' '));
  if (detail.missingOIDCClaims) grant.addOIDCClaims(detail.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(detail.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

const returnPath = (uid: string) => encodeURIComponent(`/interaction/${uid}`);

/**
 * The sign-in of an app goes through the console's own pages: `/interaction/:uid` (where the provider
 * sends the browser, with its interaction cookie scoped to this path) decides with the Gatehouse
 * session. Not signed in → the console's sign-in page, which comes back here; a temporary password →
 * the forced change first; `prompt=login`, or a sign-in older than `max_age` → the console's
 * re-authentication page, which comes back here (interaction.fresh-sign-in.ts); a role the app does not admit → `access_denied` at the app, audited
 * (SEC-OIDC-07); first-party apps need no consent; third-party ones show the consent page
 * (`/consent/:uid` in the console), which reads and answers through the two JSON routes below.
 */
export function registerInteractionRoutes(
  app: ApiApp,
  providerOf: () => Promise<Provider>,
  deps: AppsDeps,
): void {
  const open = { access: 'public' as const };

  const denyRole = async (
    provider: Provider,
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    row: AppRow,
  ): Promise<void> => {
    await recordStandaloneEvent(deps, actorOf(request), {
      action: 'oidc.access_denied',
      outcome: 'denied',
      target: { id: row.id, label: row.name },
      details: { role: principal.role, allowedRoles: rolesOf(row) },
    });
    reply.hijack();
    await (
      await providerOf()
    ).interactionFinished(request.raw, reply.raw, {
      error: 'access_denied',
      error_description: 'Your role may not use this app.',
    });
  };

  app.get('/interaction/:uid', {
    config: open,
    schema: { hide: true, params: UidParams },
    handler: async (request, reply) => {
      const { uid } = request.params;
      const provider = await providerOf();
      const interaction = await details(provider, request, reply);
      // Recorded at the first visit, before any sign-in page (prompt=login, OIDC Core 3.1.2.1).
      const since = interaction.prompt.name === 'login' ? await freshSignInSince(deps, interaction) : null;
      const principal = request.principal;
      const session = request.sessionState;
      if (!principal || !session || session.restriction !== null)
        return reply.redirect(`/sign-in?return=${returnPath(uid)}`, 303);
      if (!fullySignedIn(principal)) return reply.redirect(`/change-password?return=${returnPath(uid)}`, 303);
      const row = await findApp(deps.db, String(interaction.params.client_id));
      if (!row || row.disabled) throw oidcErrors.app_not_found();
      if (!rolesOf(row).includes(principal.role)) return denyRole(provider, request, reply, principal, row);
      // auth_time is when the person last presented credentials to Gatehouse, not this moment.
      const login = { accountId: principal.id, ts: Math.floor(session.authenticatedAt / 1000) };

      if (interaction.prompt.name === 'login') {
        if (freshSignInNeeded(interaction, since, session))
          return reply.redirect(`/reauthenticate?return=${returnPath(uid)}`, 303);
        reply.hijack();
        return provider.interactionFinished(
          request.raw,
          reply.raw,
          { login },
          { mergeWithLastSubmission: false },
        );
      }
      if (interaction.session?.accountId !== principal.id) {
        // The provider's session is of someone else than the console's: start over as this user.
        reply.hijack();
        return provider.interactionFinished(request.raw, reply.raw, { login });
      }
      if (row.firstParty === 1) {
        const grantId = await grantFor(provider, interaction, principal.id);
        await recordGrant(deps, request, row, interaction);
        reply.hijack();
        return provider.interactionFinished(request.raw, reply.raw, { consent: { grantId } });
      }
      return reply.redirect(`/consent/${uid}`, 303);
    },
  });

  app.get('/interaction/:uid/consent', {
    config: open,
    schema: {
      // Outside /api/v1 (the provider's interaction cookie is scoped to /interaction/<uid>): the
      // console's own page, not part of the API document.
      hide: true,
      summary: 'What a third-party app asks for (the console’s consent page)',
      params: UidParams,
      response: {
        200: z.object({
          app: z.object({ id: z.string(), name: z.string() }),
          scopes: z.array(z.string()),
          user: z.object({ email: z.string(), name: z.string() }),
        }),
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async (request, reply) => {
      const provider = await providerOf();
      const interaction = await details(provider, request, reply);
      const principal = request.principal;
      if (
        !fullySignedIn(principal, request.sessionState?.restriction ?? null) ||
        interaction.session?.accountId !== principal.id
      )
        throw oidcErrors.interaction_not_found();
      const row = await findApp(deps.db, String(interaction.params.client_id));
      if (!row) throw oidcErrors.app_not_found();
      return {
        app: { id: row.id, name: row.name },
        scopes: String(interaction.params.scope ?? '')
          .split(' ')
          .filter(Boolean),
        user: { email: principal.email, name: principal.name },
      };
    },
  });

  app.post('/interaction/:uid/consent', {
    config: open,
    schema: {
      hide: true,
      summary: 'Allow or refuse a third-party app; answers where the browser goes next',
      params: UidParams,
      body: z.strictObject({ allow: z.boolean() }),
      response: { 200: z.object({ redirectTo: z.string() }), ...errorResponses(400, 401, 403, 404, 415) },
    },
    handler: async (request, reply) => {
      const provider = await providerOf();
      const interaction = await details(provider, request, reply);
      const principal = request.principal;
      if (
        !fullySignedIn(principal, request.sessionState?.restriction ?? null) ||
        interaction.session?.accountId !== principal.id
      )
        throw oidcErrors.interaction_not_found();
      const row = await findApp(deps.db, String(interaction.params.client_id));
      if (!row || row.disabled) throw oidcErrors.app_not_found();
      if (!request.body.allow || !rolesOf(row).includes(principal.role)) {
        const redirectTo = await provider.interactionResult(request.raw, reply.raw, {
          error: 'access_denied',
          error_description: 'The user did not allow the app.',
        });
        return { redirectTo };
      }
      const grantId = await grantFor(provider, interaction, principal.id);
      await recordGrant(deps, request, row, interaction);
      return {
        redirectTo: await provider.interactionResult(request.raw, reply.raw, { consent: { grantId } }),
      };
    },
  });
}

function recordGrant(deps: AppsDeps, request: FastifyRequest, row: AppRow, interaction: Interaction) {
  return recordStandaloneEvent(deps, actorOf(request), {
    action: 'oidc.grant',
    target: { id: row.id, label: row.name },
    details: { scope: String(interaction.params.scope ?? ''), firstParty: row.firstParty === 1 },
  });
}
