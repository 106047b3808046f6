import { AsyncLocalStorage } from 'node:async_hooks';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import * as store from './oidc.store.js';

/**
 * A token request's writes in one transaction (issue 12: the refresh grant's CPU; ADR 0010).
 *
 * A refresh grant writes three times through the adapter: the used refresh token is consumed, the new
 * refresh token and the access token are saved. On SQLite each write on its own is a commit and each
 * commit an fsync (`synchronous = FULL`), about 0.8 ms of the server's CPU apiece, more than all of
 * oidc-provider's own work. So during a POST to the token endpoint the adapter queues its consumes and
 * saves here, and {@link tokenWritesMiddleware} commits them together, after the provider has built
 * its answer and before a byte of it is sent: one transaction, one fsync.
 *
 * Nothing a client or another node can observe changes:
 * - the answer (tokens) leaves only after the commit; a failed commit answers `server_error` instead;
 * - single use still holds across nodes: the consume is the same conditional UPDATE, first in the
 *   transaction. When another request consumed the token first (a race between nodes), the
 *   transaction is rolled back (the new tokens never exist), the grant is revoked and the answer
 *   becomes `invalid_grant`, with the provider's `grant.error` event (audited as reuse, SEC-OIDC-04);
 * - a read through the adapter commits the queue first, so the provider always reads its own writes;
 *   deletions and revocations commit the queue and then run at once;
 * - the queue is committed whatever the answer, as the writes were before: an error after a consume
 *   still spends the token.
 */
interface QueuedWrites {
  consumes: Array<{ model: string; id: string }>;
  saves: store.PayloadRow[];
  /** Run once the writes are committed (the refresh count's audit): never for an answer rolled back. */
  afterCommit: Array<() => void>;
}

const queues = new AsyncLocalStorage<QueuedWrites>();

/** The current token request's queue, or undefined outside one (the adapter then writes at once). */
export function tokenWriteQueue(): QueuedWrites | undefined {
  return queues.getStore();
}

/** Runs `effect` after this token request's writes are committed, or now outside a token request. */
export function afterTokenWrites(effect: () => void): void {
  const queue = queues.getStore();
  if (queue) queue.afterCommit.push(effect);
  else effect();
}

/** The reuse a rolled-back commit found: the code or token another request consumed first. */
class AlreadyConsumed extends Error {
  constructor(
    readonly model: string,
    readonly id: string,
  ) {
    super(`${model} already used`);
  }
}

/**
 * Commits the queue (no-op when empty). On a reuse race: rolled back, the grant revoked, and
 * `InvalidGrant` thrown, exactly what the adapter's immediate consume throws.
 */
export async function commitTokenWrites(db: Db, clock: Clock, queue: QueuedWrites): Promise<void> {
  const consumes = queue.consumes.splice(0);
  const saves = queue.saves.splice(0);
  if (consumes.length === 0 && saves.length === 0) return;
  const now = clock.now();
  try {
    const write = async (exec: Parameters<typeof store.upsertPayload>[0]) => {
      for (const { model, id } of consumes)
        if (!(await store.consumePayload(exec, model, id, now))) throw new AlreadyConsumed(model, id);
      for (const row of saves) await store.upsertPayload(exec, row);
    };
    // One statement is its own transaction; several share one.
    if (consumes.length + saves.length === 1) await write(db);
    else await db.transaction().execute(write);
  } catch (error) {
    if (!(error instanceof AlreadyConsumed)) throw error;
    // Another request (on any node) consumed it first: this one is a reuse (SEC-OIDC-01, SEC-OIDC-04).
    const row = await store.findPayload(db, error.model, error.id);
    if (row?.grantId) await store.revokeGrant(db, row.grantId);
    throw new errors.InvalidGrant(error.message);
  }
}

/**
 * The provider's middleware (before its routes): a POST to the token endpoint runs with a queue, which
 * is committed once the provider has answered and before Koa sends the answer.
 */
export function tokenWritesMiddleware(provider: Provider, db: Db, clock: Clock, tokenPath: string) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.method !== 'POST' || ctx.path !== tokenPath) return next();
    const queue: QueuedWrites = { consumes: [], saves: [], afterCommit: [] };
    await queues.run(queue, next);
    try {
      await commitTokenWrites(db, clock, queue);
    } catch (error) {
      // The provider's own error answer, as its error handler writes it for the same error.
      if (error instanceof errors.InvalidGrant) {
        ctx.status = error.statusCode;
        ctx.body = { error: error.error, error_description: error.error_description };
        provider.emit('grant.error', ctx, error);
      } else {
        ctx.status = 500;
        ctx.body = { error: 'server_error', error_description: 'oops! something went wrong' };
        provider.emit('server_error', ctx, error);
      }
      return;
    }
    for (const effect of queue.afterCommit) effect();
  };
}
