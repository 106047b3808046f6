import type Provider from 'oidc-provider';
import type { ApiApp } from '../../http/route-types.js';
import { registerAppsRoutes } from './apps.routes.js';
import { registerInteractionRoutes } from './interaction.routes.js';
import { deliverDueLogouts, startLogoutDelivery } from './logout.outbox.js';
import type { ProviderDeps } from './provider.js';
import { liveProvider } from './provider.live.js';
import { mountProvider } from './provider.mount.js';

export interface OidcHandle {
  /** The provider signing with the current keys (a new one after a key rotation, provider.live.ts). */
  provider(): Promise<Provider>;
  /** Sends the back-channel logouts due now (tests call it; the server runs it on a timer). */
  deliverLogouts(): Promise<number>;
  /** Resolves when the audit events of the provider's answers so far are written. */
  auditSettled(): Promise<void>;
  /** Starts the timer (server.ts), stopped when the app closes. */
  startDelivery(): void;
}

/** The OpenID Provider, its console interaction, the apps registry and logout delivery, in one app. */
export async function registerOidc(app: ApiApp, deps: ProviderDeps): Promise<OidcHandle> {
  const live = await liveProvider(
    {
      ...deps,
      onAuditError: (error) => app.log.error({ err: error }, 'oidc: writing an audit event failed'),
    },
    (error) => app.log.error({ err: error }, 'oidc: reading the signing keys failed; the current ones stay'),
  );
  await mountProvider(app, live, deps);
  registerInteractionRoutes(app, live, deps);
  registerAppsRoutes(app, deps);
  let delivery: { stop(): Promise<void> } | null = null;
  app.addHook('onClose', async () => {
    await delivery?.stop();
    await live.auditSettled();
  });
  return {
    provider: () => live.get(),
    deliverLogouts: async () => deliverDueLogouts(deps, await live.get()),
    auditSettled: () => live.auditSettled(),
    startDelivery: () => {
      delivery ??= startLogoutDelivery(deps, live.get, (error) =>
        app.log.error({ err: error }, 'oidc: back-channel logout delivery failed'),
      );
    },
  };
}
