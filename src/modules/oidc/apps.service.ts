import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { constantTimeEqual, newId, randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import type { Role } from '../users/index.js';
import { findAppOnce } from './apps.request-memo.js';
import * as store from './apps.store.js';
import type { AppRow } from './apps.store.js';
import { oidcErrors } from './oidc.errors.js';
import * as payloads from './oidc.store.js';
import type { AppType } from './oidc.table.js';

export interface AppsDeps {
  db: Db;
  clock: Clock;
}

export interface App {
  id: string;
  clientId: string;
  name: string;
  type: AppType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  allowedRoles: Role[];
  firstParty: boolean;
  idTokenAlg: 'ES256' | 'RS256';
  hasSecret: boolean;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AppInput {
  name: string;
  type: AppType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri?: string | null | undefined;
  allowedRoles: Role[];
  firstParty: boolean;
  idTokenAlg?: 'ES256' | 'RS256' | undefined;
}

export type AppChanges = Partial<Omit<AppInput, 'type'>> & { disabled?: boolean | undefined };

/** A client secret: 256 bits from the CSPRNG (SEC-OIDC-06), with a prefix secret scanners can find. */
export const CLIENT_SECRET_PREFIX = 'ghcs_';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function presentApp(row: AppRow): App {
  return {
    id: row.id,
    clientId: row.id,
    name: row.name,
    type: row.type,
    redirectUris: JSON.parse(row.redirectUris) as string[],
    postLogoutRedirectUris: JSON.parse(row.postLogoutRedirectUris) as string[],
    backchannelLogoutUri: row.backchannelLogoutUri,
    allowedRoles: rolesOf(row),
    firstParty: row.firstParty === 1,
    idTokenAlg: row.idTokenAlg,
    hasSecret: row.secretHash !== null,
    disabled: row.disabled === 1,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export function rolesOf(row: Pick<AppRow, 'allowedRoles'>): Role[] {
  return row.allowedRoles.split(',').filter(Boolean) as Role[];
}

const fenceRoles = (roles: Role[]) => `,${[...new Set(roles)].sort().join(',')},`;

/**
 * Redirect URIs are compared exactly by the provider (SEC-OIDC-02), so here they only need to be
 * URIs a browser can be sent to safely: absolute, no fragment, no wildcard; https, or http on a
 * loopback address (development, RFC 8252); a private-use scheme only for native apps (RFC 8252 7.1).
 * Only native apps get loopback port variance (the provider's RFC 8252 7.3 rule).
 */
export function redirectUriAcceptable(value: string, type: AppType): boolean {
  if (value.includes('*') || value.includes('#')) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return url.hostname !== '';
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname);
  if (type !== 'native') return false;
  // A private-use scheme names its owner by reverse domain (com.example.app:/callback).
  return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
}

function httpUriAcceptable(value: string): boolean {
  return redirectUriAcceptable(value, 'web');
}

function checkUris(input: {
  type: AppType;
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  backchannelLogoutUri?: string | null | undefined;
}): void {
  if (input.redirectUris?.some((uri) => !redirectUriAcceptable(uri, input.type)))
    throw oidcErrors.app_redirect_uri_invalid();
  if (input.postLogoutRedirectUris?.some((uri) => !redirectUriAcceptable(uri, input.type)))
    throw oidcErrors.app_post_logout_redirect_uri_invalid();
  if (input.backchannelLogoutUri && !httpUriAcceptable(input.backchannelLogoutUri))
    throw oidcErrors.app_backchannel_logout_uri_invalid();
}

const auditTarget = (row: Pick<AppRow, 'id' | 'name'>) => ({ id: row.id, label: row.name });

export async function requireApp(deps: AppsDeps, id: string): Promise<AppRow> {
  const row = await store.findApp(deps.db, id);
  if (!row) throw oidcErrors.app_not_found();
  return row;
}

export async function listApps(deps: AppsDeps): Promise<App[]> {
  return (await store.listApps(deps.db)).map(presentApp);
}

export async function getApp(deps: AppsDeps, id: string): Promise<App> {
  return presentApp(await requireApp(deps, id));
}

/** Registers an app; a confidential one gets its secret, returned this once and stored as SHA-256. */
export async function createApp(
  deps: AppsDeps,
  actor: ActorContext,
  input: AppInput,
): Promise<{ app: App; clientSecret?: string }> {
  checkUris(input);
  const interactive = input.type !== 'service';
  if (interactive && input.redirectUris.length === 0) throw oidcErrors.app_redirect_uris_required();
  const confidential = input.type === 'web' || input.type === 'service';
  const clientSecret = confidential ? CLIENT_SECRET_PREFIX + randomSecret(32) : undefined;
  const now = deps.clock.now();
  const row: AppRow = {
    id: newId(),
    name: input.name,
    type: input.type,
    redirectUris: JSON.stringify(interactive ? input.redirectUris : []),
    postLogoutRedirectUris: JSON.stringify(interactive ? input.postLogoutRedirectUris : []),
    backchannelLogoutUri: interactive ? (input.backchannelLogoutUri ?? null) : null,
    allowedRoles: fenceRoles(input.allowedRoles),
    firstParty: input.firstParty ? 1 : 0,
    idTokenAlg: input.idTokenAlg ?? 'ES256',
    secretHash: clientSecret ? sha256Hex(clientSecret) : null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    disabled: 0,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await store.insertApp(trx, row);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'app.created',
      target: auditTarget(row),
      details: { type: row.type, allowedRoles: rolesOf(row), firstParty: input.firstParty },
    });
  });
  return clientSecret ? { app: presentApp(row), clientSecret } : { app: presentApp(row) };
}

export async function updateApp(
  deps: AppsDeps,
  actor: ActorContext,
  id: string,
  changes: AppChanges,
): Promise<App> {
  const current = await requireApp(deps, id);
  checkUris({ ...changes, type: current.type });
  if (current.type !== 'service' && changes.redirectUris?.length === 0)
    throw oidcErrors.app_redirect_uris_required();
  return deps.db.transaction().execute(async (trx) => {
    const set = {
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.redirectUris !== undefined && { redirectUris: JSON.stringify(changes.redirectUris) }),
      ...(changes.postLogoutRedirectUris !== undefined && {
        postLogoutRedirectUris: JSON.stringify(changes.postLogoutRedirectUris),
      }),
      ...(changes.backchannelLogoutUri !== undefined && {
        backchannelLogoutUri: changes.backchannelLogoutUri,
      }),
      ...(changes.allowedRoles !== undefined && { allowedRoles: fenceRoles(changes.allowedRoles) }),
      ...(changes.firstParty !== undefined && { firstParty: changes.firstParty ? 1 : 0 }),
      ...(changes.idTokenAlg !== undefined && { idTokenAlg: changes.idTokenAlg }),
      ...(changes.disabled !== undefined && { disabled: changes.disabled ? 1 : 0 }),
      updatedAt: deps.clock.now(),
    };
    await store.updateApp(trx, id, set);
    const row = { ...current, ...set };
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'app.updated',
      target: auditTarget(row),
      details: { fields: Object.keys(changes).sort() },
    });
    return presentApp(row);
  });
}

/** Removes the app and everything issued to it. */
export async function deleteApp(deps: AppsDeps, actor: ActorContext, id: string): Promise<void> {
  const current = await requireApp(deps, id);
  await deps.db.transaction().execute(async (trx) => {
    await store.deleteApp(trx, id);
    await trx.deleteFrom('oidcPayloads').where('clientId', '=', id).execute();
    await recordAuditEvent(trx, deps.clock, actor, { action: 'app.deleted', target: auditTarget(current) });
  });
}

/**
 * A new secret, returned this once. With `overlapHours` the previous one keeps working that long, so
 * the app can be redeployed without an outage; without, it stops at once.
 */
export async function rotateAppSecret(
  deps: AppsDeps,
  actor: ActorContext,
  id: string,
  overlapHours: number,
): Promise<{ clientSecret: string }> {
  const current = await requireApp(deps, id);
  if (!current.secretHash) throw oidcErrors.app_has_no_secret();
  const clientSecret = CLIENT_SECRET_PREFIX + randomSecret(32);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await store.updateApp(trx, id, {
      secretHash: sha256Hex(clientSecret),
      previousSecretHash: overlapHours > 0 ? current.secretHash : null,
      previousSecretExpiresAt: overlapHours > 0 ? now + overlapHours * 3_600_000 : null,
      updatedAt: now,
    });
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'app.secret_rotated',
      target: auditTarget(current),
      details: { overlapHours },
    });
  });
  return { clientSecret };
}

/**
 * The hash the provider should compare for a presented secret: the current one when the secret is
 * the current or (during an overlap) the previous one, else the presented secret's own hash, which
 * matches nothing (SEC-OIDC-06). Hashes are compared in constant time.
 */
export async function canonicalSecretHash(
  deps: AppsDeps,
  clientId: string,
  presented: string,
): Promise<string> {
  const presentedHash = sha256Hex(presented);
  const app = await findAppOnce(deps.db, clientId);
  if (!app?.secretHash) return presentedHash;
  if (constantTimeEqual(presentedHash, app.secretHash)) return app.secretHash;
  if (
    app.previousSecretHash &&
    app.previousSecretExpiresAt !== null &&
    app.previousSecretExpiresAt > deps.clock.now() &&
    constantTimeEqual(presentedHash, app.previousSecretHash)
  )
    return app.secretHash;
  return presentedHash;
}

/** The apps a user has connected (holds a grant with). */
export async function listConnectedApps(
  deps: AppsDeps,
  userId: string,
): Promise<Array<Pick<App, 'id' | 'name' | 'type' | 'firstParty'>>> {
  const ids = await payloads.grantedClientIds(deps.db, userId);
  return (await store.listAppsByIds(deps.db, ids)).map((row) => {
    const app = presentApp(row);
    return { id: app.id, name: app.name, type: app.type, firstParty: app.firstParty };
  });
}

/** Disconnects an app: the user's grant there and every token from it end at once. */
export async function disconnectApp(
  deps: AppsDeps,
  actor: ActorContext & { actorId: string },
  appId: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const removed = await payloads.revokeUserGrantsAt(trx, actor.actorId, appId);
    if (removed === 0) throw oidcErrors.app_not_connected();
    const app = await store.findApp(trx, appId);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'oidc.app_disconnected',
      target: { id: appId, label: app?.name ?? null },
    });
  });
}
