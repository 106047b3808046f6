import type { Config, InstanceIdentity } from '../../config/config.js';
import type { Db, Executor } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import * as store from './settings.store.js';

/**
 * What the last server to start recorded about the instance (issue 14): its public URL and the
 * organization identity its environment set. Nodes started without PUBLIC_URL, and the CLI run from a
 * shell without the server's environment, take these values, so every mailed link and organization
 * name is the server's. Kept in the settings table under one key outside the admin-editable settings.
 */
export interface StoredIdentity {
  publicUrl?: string;
  /** False when the server defaulted it (http://localhost:PORT): other servers then keep their own default. */
  publicUrlFromEnvironment?: boolean;
  organizationName?: string;
  defaultLocale?: string;
}

const KEY = 'instance.identity';

export async function readInstanceIdentity(exec: Executor): Promise<StoredIdentity> {
  const raw = (await store.readAll(exec)).get(KEY);
  if (raw === undefined) return {};
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === 'object' ? (value as StoredIdentity) : {};
  } catch {
    return {};
  }
}

/**
 * The stored values a server adopts for what its own environment left unset. A defaulted public URL
 * is not adopted: it names another server's port on its own machine.
 */
export function identityForServer(stored: StoredIdentity): InstanceIdentity {
  return {
    publicUrl: stored.publicUrlFromEnvironment ? stored.publicUrl : undefined,
    organizationName: stored.organizationName,
    defaultLocale: stored.defaultLocale,
  };
}

/** The CLI adopts every stored value, a defaulted URL included: it is the running server's. */
export function identityForCli(stored: StoredIdentity): InstanceIdentity {
  return {
    publicUrl: stored.publicUrl,
    organizationName: stored.organizationName,
    defaultLocale: stored.defaultLocale,
  };
}

/**
 * Records the identity a starting server uses (`effective`, already merged with the stored one).
 * A changed public URL (where mailed links point, SEC-RST-07) is audited; an unchanged start writes
 * nothing.
 */
export async function recordInstanceIdentity(
  deps: { db: Db; clock: Clock },
  actor: ActorContext,
  own: Config,
  effective: Config,
): Promise<StoredIdentity> {
  return deps.db.transaction().execute(async (trx) => {
    const before = await readInstanceIdentity(trx);
    const adopted = identityForServer(before);
    const set = own.setInEnvironment;
    const next: StoredIdentity = {
      publicUrl: effective.publicUrl,
      publicUrlFromEnvironment: set.publicUrl || adopted.publicUrl !== undefined,
      ...(set.organizationName || before.organizationName !== undefined
        ? { organizationName: effective.organizationName }
        : {}),
      ...(set.defaultLocale || before.defaultLocale !== undefined
        ? { defaultLocale: effective.defaultLocale }
        : {}),
    };
    if (JSON.stringify(next) === JSON.stringify(before)) return before;
    await store.upsert(trx, KEY, JSON.stringify(next), deps.clock.now());
    if (next.publicUrl !== before.publicUrl) {
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'instance.public_url_changed',
        details: { from: before.publicUrl ?? null, to: next.publicUrl ?? null },
      });
    }
    return before;
  });
}
