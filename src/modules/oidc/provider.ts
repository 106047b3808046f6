import Provider, {
  errors,
  interactionPolicy,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import type { SecretBox } from '../../shared/secret-box.js';
import { recordStandaloneEvent, type RepeatedEvents } from '../audit/index.js';
import { findAccountClaims } from '../users/index.js';
import { kyselyAdapter } from './adapter.js';
import { findAppOnce } from './apps.request-memo.js';
import { rolesOf } from './apps.service.js';
import type { JWK } from 'jose';
import { OIDC_ROUTES, OIDC_TTL } from './oidc.constants.js';
import { signedInUserOf } from './provider.signed-in.js';
import { afterTokenWrites, tokenWritesMiddleware } from './token-writes.js';

export { KEY_OVERLAP_MS, OIDC_ROUTES, OIDC_TTL } from './oidc.constants.js';

export interface ProviderDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  issuer: string;
  trustProxy: boolean;
  /** OIDC_LOGOUT_PRIVATE_ADDRESSES: whether back-channel logouts may reach private addresses. */
  logoutPrivateAddresses: boolean;
  auditRepeats: RepeatedEvents;
  onAuditError?: (error: unknown) => void;
}

function actorOfContext(ctx: KoaContextWithOIDC, accountId?: string): ActorContext {
  const userAgent = ctx.get('user-agent');
  return {
    actorId: accountId ?? null,
    actorLabel: accountId ? `user:${accountId}` : `app:${ctx.oidc?.client?.clientId ?? 'unknown'}`,
    ip: ctx.ip || null,
    userAgent: userAgent || null,
    requestId: null,
  };
}

/**
 * The OpenID Provider (oidc-provider, OpenID Certified for the Basic, Config, RP-Initiated Logout and
 * Back-Channel Logout profiles): storage over the Gatehouse database, keys from the database
 * (sealed with SECRET_KEY), cookies keyed from SECRET_KEY, accounts and roles read fresh from users.
 */
/**
 * The provider's own session never signs anyone in by itself: the Gatehouse session decides (a user
 * who signed out of Gatehouse, or switched accounts, is never signed in to an app by a leftover
 * provider cookie). An interactive request always goes through the console's interaction, which
 * applies `prompt=login` and `max_age` (interaction.fresh-sign-in.ts). A `prompt=none` request
 * (silent authentication, OIDC Core 3.1.2.1) cannot show a page, so it is decided here: it gets a code
 * when the browser's Gatehouse session fully signs in the very account of the provider's session
 * (the one an earlier interaction signed in to apps); otherwise `login_required`.
 */
function gatehousePolicy() {
  const { Check } = interactionPolicy;
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(
    // With prompt=none an app hears login_required (OIDC Core 3.1.2.6), the login prompt's own error.
    new Check('gatehouse_session', 'the Gatehouse session decides', 'login_required', (ctx) => {
      if ((ctx.oidc.result as { login?: unknown } | undefined)?.login) return Check.NO_NEED_TO_PROMPT;
      const silent = ctx.oidc.prompts.has('none');
      const account = ctx.oidc.session?.accountId;
      return silent && account !== undefined && signedInUserOf(ctx) === account
        ? Check.NO_NEED_TO_PROMPT
        : Check.REQUEST_PROMPT;
    }),
    0,
  );
  return policy;
}

/**
 * One provider over the given signing keys. A node builds a new one when the key set changes
 * (provider.live.ts); everything else it holds (sessions, grants, tokens, cookies' keys) is in the
 * database or derived from SECRET_KEY, so the swap is invisible to a browser or an app mid-flow.
 */
export function buildProvider(deps: ProviderDeps, keys: JWK[], audit: ProviderAudit): Provider {
  const configuration: Configuration = {
    adapter: kyselyAdapter(deps.db, deps.clock),
    jwks: { keys: keys as never },
    cookies: {
      keys: deps.secrets.derivedKeys('oidc cookies').map((key) => key.toString('base64url')),
    },
    routes: OIDC_ROUTES,
    // Code flow only: no implicit or hybrid response type, no password grant (SEC-OIDC-01).
    responseTypes: ['code'],
    // PKCE with S256 for every app, confidential ones included (SEC-OIDC-01).
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      introspectionSigningAlgValues: ['ES256', 'RS256'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'roles'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'locale'],
      email: ['email', 'email_verified'],
      roles: ['roles'],
    },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      userinfo: { enabled: true },
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    ttl: {
      AuthorizationCode: OIDC_TTL.authorizationCode,
      AccessToken: OIDC_TTL.accessToken,
      ClientCredentials: OIDC_TTL.accessToken,
      IdToken: OIDC_TTL.idToken,
      Interaction: OIDC_TTL.interaction,
      Session: OIDC_TTL.session,
      Grant: OIDC_TTL.grant,
      // Each rotation gets the idle lifetime, capped by the absolute one counted from the first (SEC-OIDC-04).
      RefreshToken: (_ctx, token) => {
        // The provider's own time (its iat), which every other lifetime of its tokens is counted in.
        const now = token.iat ?? Math.floor(Date.now() / 1000);
        const first = token.iiat ?? token.iat ?? now;
        return Math.max(1, Math.min(OIDC_TTL.refreshIdle, first + OIDC_TTL.refreshAbsolute - now));
      },
    },
    // Every use of a refresh token returns a new one; presenting a used one revokes the grant (SEC-OIDC-04).
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    interactions: {
      policy: gatehousePolicy(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // The account is read at every token, refresh and userinfo request: a deactivated user, or one
    // whose role the app no longer admits, gets nothing more (SEC-OIDC-05, SEC-OIDC-07).
    findAccount: async (ctx, sub) => {
      const account = await findAccountClaims(deps.db, sub);
      if (!account || account.status !== 'active') return undefined;
      const clientId = ctx.oidc?.client?.clientId;
      if (clientId) {
        const app = await findAppOnce(deps.db, clientId);
        if (!app || !rolesOf(app).includes(account.role)) return undefined;
      }
      return {
        accountId: account.id,
        claims: () => ({
          sub: account.id,
          name: account.name,
          ...(account.locale ? { locale: account.locale } : {}),
          email: account.email,
          email_verified: account.emailVerified,
          roles: [account.role],
        }),
      };
    },
    // The only outgoing requests are back-channel logouts to URIs admins registered (no dynamic
    // registration, no jwks_uri clients). The provider's SSRF guard refuses private and loopback
    // addresses, where a team's own apps usually are; the operator decides (OIDC_LOGOUT_PRIVATE_ADDRESSES).
    ...(deps.logoutPrivateAddresses && {
      fetch: (url: string | URL | Request, options?: RequestInit) => {
        const { dispatcher: _guard, ...rest } = (options ?? {}) as RequestInit & { dispatcher?: unknown };
        return globalThis.fetch(url, rest);
      },
    }),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      const escape = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign-in error</title></head><body><h1>${escape(out.error)}</h1><p>${escape(out.error_description ?? '')}</p></body></html>`;
    },
  };
  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.trustProxy;
  // A token request's writes: one transaction, committed before its answer is sent (token-writes.ts).
  provider.use(tokenWritesMiddleware(provider, deps.db, deps.clock, OIDC_ROUTES.token));
  audit.attach(provider);
  return provider;
}

export interface ProviderAudit {
  /** Listens to a provider's events (each provider a node builds, one after another). */
  attach(provider: Provider): void;
  /** Resolves when the audit events of the answers so far are written. */
  settled(): Promise<void>;
}

/**
 * SEC-OIDC-08: token issues from a code or client credentials are events; refreshes are counted
 * (one aggregated event per app and minute); a reused code or refresh token is an event.
 */
export function providerAudit(deps: ProviderDeps): ProviderAudit {
  // The provider's events are synchronous; their audit writes run beside the answer. Kept, so that
  // closing (and tests) can wait for them; a failed write is logged by the caller's onError.
  const pending = new Set<Promise<void>>();
  const record = (promise: Promise<void>) => {
    const tracked = promise
      .catch((error: unknown) => deps.onAuditError?.(error))
      .finally(() => pending.delete(tracked));
    pending.add(tracked);
  };
  return {
    attach: (provider) => auditProviderEvents(provider, deps, record),
    settled: async () => {
      await Promise.all([...pending]);
    },
  };
}

function auditProviderEvents(
  provider: Provider,
  deps: ProviderDeps,
  record: (promise: Promise<void>) => void,
): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grantType = String(ctx.oidc.params?.grant_type ?? '');
    const clientId = ctx.oidc.client?.clientId ?? null;
    const accountId = ctx.oidc.account?.accountId;
    const actor = actorOfContext(ctx, accountId);
    const input = {
      action: grantType === 'refresh_token' ? 'oidc.token_refreshed' : 'oidc.token_issued',
      target: { id: clientId, label: ctx.oidc.client?.clientName ?? null },
      details: { grantType, clientId },
    };
    // Once the tokens exist: an answer rolled back as a reuse (token-writes.ts) issued nothing.
    afterTokenWrites(() =>
      record(
        grantType === 'refresh_token'
          ? deps.auditRepeats.record(actor, input, `oidc refresh ${clientId}`)
          : recordStandaloneEvent(deps, actor, input),
      ),
    );
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: Error) => {
    if (!(error instanceof errors.InvalidGrant)) return;
    const detail = (error as { error_detail?: string }).error_detail ?? '';
    if (!/already (used|consumed)/.test(detail)) return;
    const clientId = ctx.oidc.client?.clientId ?? null;
    record(
      recordStandaloneEvent(deps, actorOfContext(ctx), {
        action: 'oidc.token_reuse_detected',
        outcome: 'denied',
        target: { id: clientId, label: ctx.oidc.client?.clientName ?? null },
        details: { grantType: String(ctx.oidc.params?.grant_type ?? ''), clientId },
      }),
    );
  });
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    record(
      recordStandaloneEvent(deps, actorOfContext(ctx, ctx.oidc.session?.accountId), {
        action: 'oidc.logout',
        target: { id: ctx.oidc.client?.clientId ?? null, label: ctx.oidc.client?.clientName ?? null },
      }),
    );
  });
}
