import { sql, type Insertable } from 'kysely';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Db } from '../../db/db.js';
import { isPostgres } from '../../db/dialect.js';
import type { Clock } from '../../shared/clock.js';
import { randomSecret } from '../../shared/crypto.js';
import type { ActorContext } from '../../shared/context.js';
import type { SecretBox } from '../../shared/secret-box.js';
import { recordAuditEvent } from '../audit/index.js';
import type { OidcKeysTable } from './oidc.table.js';

export type SigningAlg = OidcKeysTable['alg'];
/** ES256 signs by default; RS256 exists for apps that cannot verify anything else (chosen per app). */
export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'RS256'];

export interface KeysDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
}

const context = (kid: string) => `oidc-key:${kid}`;

/** An advisory lock class of its own (the audit chain's lanes use theirs). */
const KEYS_LOCK = 0x6f696463; // "oidc"

/** A new key pair, its private half sealed; made outside any transaction (RSA generation takes a while). */
async function prepareKey(deps: KeysDeps, alg: SigningAlg) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomSecret(12);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    publicJwk: JSON.stringify(publicJwk),
    // The private half only ever sealed under SECRET_KEY, bound to its kid (SEC-OIDC-03).
    sealedPrivateJwk: deps.secrets.seal(JSON.stringify(privateJwk), context(kid)),
    createdAt: deps.clock.now(),
    retiredAt: null,
    removeAt: null,
  } satisfies Insertable<OidcKeysTable>;
}

/**
 * The signing keys every node uses, created at first start: in one transaction that first takes a
 * lock (PostgreSQL: an advisory lock; SQLite: the write lock of BEGIN IMMEDIATE), so two nodes
 * starting at once on an empty table create one set, and both load the same keys.
 * Keys that sign come first (the provider signs with the first key of an algorithm), then retired
 * ones, still published until `removeAt` so tokens they signed keep verifying.
 */
export async function loadSigningKeys(deps: KeysDeps): Promise<JWK[]> {
  const rows = async () =>
    deps.db
      .selectFrom('oidcKeys')
      .selectAll()
      .where((eb) => eb.or([eb('removeAt', 'is', null), eb('removeAt', '>', deps.clock.now())]))
      .orderBy('createdAt', 'desc')
      .orderBy('kid')
      .execute();
  let keys = await rows();
  const missing = SIGNING_ALGS.filter((alg) => !keys.some((k) => k.alg === alg && k.retiredAt === null));
  if (missing.length > 0) {
    // Generated before the lock: the write lock (SQLite's is the whole database) is held only to insert,
    // so another node starting at the same moment waits milliseconds, not an RSA key generation.
    const candidates = await Promise.all(missing.map((alg) => prepareKey(deps, alg)));
    await deps.db.transaction().execute(async (trx) => {
      if (isPostgres(deps.db as never)) await sql`select pg_advisory_xact_lock(${KEYS_LOCK}, 0)`.execute(trx);
      const active = await trx.selectFrom('oidcKeys').select('alg').where('retiredAt', 'is', null).execute();
      for (const row of candidates) {
        if (!active.some((k) => k.alg === row.alg)) await trx.insertInto('oidcKeys').values(row).execute();
      }
    });
  }
  keys = await rows();
  const active = keys.filter((k) => k.retiredAt === null);
  const retired = keys.filter((k) => k.retiredAt !== null);
  return [...active, ...retired].map(
    (k) => JSON.parse(deps.secrets.open(k.sealedPrivateJwk, context(k.kid))) as JWK,
  );
}

/**
 * What identifies the published key set: its kids, sorted. A node compares it with the set it signs
 * with (provider.live.ts) to see a rotation made elsewhere, or a retired key whose time has come;
 * one small read of a table of a handful of rows.
 */
export async function publishedKeyGeneration(deps: Pick<KeysDeps, 'db' | 'clock'>): Promise<string> {
  const rows = await deps.db
    .selectFrom('oidcKeys')
    .select('kid')
    .where((eb) => eb.or([eb('removeAt', 'is', null), eb('removeAt', '>', deps.clock.now())]))
    .orderBy('kid')
    .execute();
  return rows.map((r) => r.kid).join(' ');
}

export const keyGenerationOf = (keys: readonly JWK[]): string =>
  keys
    .map((k) => String(k.kid))
    .sort()
    .join(' ');

/**
 * `gatehouse keys rotate`: new keys sign at once (every node sees the new set within
 * KEY_CHECK_INTERVAL_MS, provider.live.ts); the old ones stay published for `overlapMs` (the longest
 * token lifetime), so every token they signed still verifies until it would expire anyway, then
 * leave the JWKS. One transaction under the keys' lock: a node never reads a set without a signing
 * key, and two rotations at once do not interleave. Audited (SEC-OIDC-08).
 */
export async function rotateSigningKeys(
  deps: KeysDeps,
  actor: ActorContext,
  overlapMs: number,
): Promise<string[]> {
  const fresh = await Promise.all(SIGNING_ALGS.map((alg) => prepareKey(deps, alg)));
  await deps.db.transaction().execute(async (trx) => {
    if (isPostgres(deps.db as never)) await sql`select pg_advisory_xact_lock(${KEYS_LOCK}, 0)`.execute(trx);
    const now = deps.clock.now();
    const retired = await trx.selectFrom('oidcKeys').select('kid').where('retiredAt', 'is', null).execute();
    await trx
      .updateTable('oidcKeys')
      .set({ retiredAt: now, removeAt: now + overlapMs })
      .where('retiredAt', 'is', null)
      .execute();
    for (const row of fresh)
      await trx
        .insertInto('oidcKeys')
        .values({ ...row, createdAt: now })
        .execute();
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'oidc.keys_rotated',
      target: { id: null, label: 'signing keys' },
      details: {
        newKids: fresh.map((k) => k.kid),
        retiredKids: retired.map((k) => k.kid),
        retiredKeysPublishedSeconds: Math.round(overlapMs / 1000),
      },
    });
  });
  return fresh.map((k) => k.kid);
}
