import type Provider from 'oidc-provider';
import type { ApiApp } from '../../http/route-types.js';
import { registerAppsRoutes } from './apps.routes.js';
import { registerInteractionRoutes } from './interaction.routes.js';
import { loadSigningKeys } from './keys.js';
import { deliverDueLogouts, startLogoutDelivery } from './logout.outbox.js';
import type { ProviderDeps } from './provider.js';
import { mountProvider } from './provider.mount.js';
import type { LiveProvider } from './provider.live.js';

export interface OidcHandle {
  /**
   * The provider signing with the current keys: created on first use (ADR 0008), replaced after a key
   * rotation (provider.live.ts).
   */
  provider(): Promise<Provider>;
  /** Sends the back-channel logouts due now (tests call it; the server runs it on a timer). */
  deliverLogouts(): Promise<number>;
  /** Resolves when the audit events of the provider's answers so far are written. */
  auditSettled(): Promise<void>;
  /** Starts the timer (server.ts), stopped when the app closes. */
  startDelivery(): void;
}

/**
 * The OpenID Provider, its console interaction, the apps registry and logout delivery, in one app.
 *
 * oidc-provider and its import graph (Koa, its own JOSE and template code: about 20 MB of resident
 * memory) are loaded on the first request that needs them, not at start: most nodes of most
 * deployments never serve one, or serve them rarely (ADR 0008). Its routes are registered now, so
 * discovery and every endpoint answer from the first request on; the signing keys are created now
 * too (once, under a lock, SEC-OIDC-04), so the first request does not wait for a key generation.
 */
export async function registerOidc(app: ApiApp, deps: ProviderDeps): Promise<OidcHandle> {
  await loadSigningKeys(deps);
  let live: Promise<LiveProvider> | null = null;
  const create = async () => {
    const { liveProvider } = await import('./provider.live.js');
    return liveProvider(
      {
        ...deps,
        onAuditError: (error) => app.log.error({ err: error }, 'oidc: writing an audit event failed'),
      },
      (error) =>
        app.log.error({ err: error }, 'oidc: reading the signing keys failed; the current ones stay'),
    );
  };
  // A failed creation (the database briefly away) is tried again by the next request.
  const loaded = () => (live ??= create().catch((error: unknown) => ((live = null), Promise.reject(error))));
  const provider = async () => (await loaded()).get();
  await mountProvider(app, provider, deps);
  registerInteractionRoutes(app, provider, deps);
  registerAppsRoutes(app, deps);
  // Only a provider that exists can have answers whose audit events are still being written.
  const auditSettled = async () => (live ? (await live).auditSettled() : undefined);
  let delivery: { stop(): Promise<void> } | null = null;
  app.addHook('onClose', async () => {
    await delivery?.stop();
    await auditSettled();
  });
  return {
    provider,
    deliverLogouts: () => deliverDueLogouts(deps, provider),
    auditSettled,
    startDelivery: () => {
      delivery ??= startLogoutDelivery(deps, provider, (error) =>
        app.log.error({ err: error }, 'oidc: back-channel logout delivery failed'),
      );
    },
  };
}
