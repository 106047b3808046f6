import type Provider from 'oidc-provider';
import type { JWK } from 'jose';
import { keyGenerationOf, loadSigningKeys, publishedKeyGeneration } from './keys.js';
import { KEY_CHECK_INTERVAL_MS } from './oidc.constants.js';
import { buildProvider, providerAudit, type ProviderDeps } from './provider.js';

export interface LiveProvider {
  /**
   * The provider signing with the current keys. At most every KEY_CHECK_INTERVAL_MS the key set is
   * read; when it differs from the one in use, a provider over the new set replaces this one.
   */
  get(): Promise<Provider>;
  /** Resolves when the audit events of the providers' answers so far are written. */
  auditSettled(): Promise<void>;
}

/**
 * oidc-provider takes its keys once, when it is built, and has no public way to change them. So a
 * rotation is taken in by building a new provider over the new keys: its state (sessions,
 * interactions, grants, tokens) is all in the database and its cookies are keyed from SECRET_KEY, so
 * a flow started on the old one finishes on the new one. No restart; every node within
 * KEY_CHECK_INTERVAL_MS. A failed check (the database away) keeps the keys in use and is retried at
 * the next request.
 */
export async function liveProvider(
  deps: ProviderDeps,
  onCheckError: (error: unknown) => void,
): Promise<LiveProvider> {
  const audit = providerAudit(deps);
  const build = (keys: JWK[]) => ({
    generation: keyGenerationOf(keys),
    provider: buildProvider(deps, keys, audit),
  });
  let current = build(await loadSigningKeys(deps));
  let checkedAt = deps.clock.now();
  let checking: Promise<Provider> | null = null;

  const check = async (): Promise<Provider> => {
    try {
      if ((await publishedKeyGeneration(deps)) !== current.generation) {
        const next = build(await loadSigningKeys(deps));
        current = next;
      }
    } catch (error) {
      onCheckError(error);
    } finally {
      checkedAt = deps.clock.now();
    }
    return current.provider;
  };

  return {
    get: () => {
      if (deps.clock.now() - checkedAt < KEY_CHECK_INTERVAL_MS) return Promise.resolve(current.provider);
      // One check at a time; the requests arriving meanwhile wait for it (a few milliseconds).
      checking ??= check().finally(() => {
        checking = null;
      });
      return checking;
    },
    auditSettled: () => audit.settled(),
  };
}
