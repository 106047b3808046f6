import type { Clock } from '../shared/clock.js';
import type { Db, Executor } from './db.js';

/**
 * The one way services receive shared things (docs/adr/0007-service-context.md): a use case is
 * `f(ctx, ...)` with `ctx = { db, clock, config, ... }`, each module naming the part it needs with
 * `Pick`; a step that runs inside the caller's transaction is `f(tx, ...)` with the same context
 * and `trx` in place of `db`, so time, configuration and the transaction travel together.
 */
export interface Ctx<C = unknown> {
  db: Db;
  clock: Clock;
  config: C;
}

export interface TxCtx<C = unknown> {
  trx: Executor;
  clock: Clock;
  config: C;
}

/** The transaction context for `trx`, taken from a use case's context. */
export function inTx<C>(ctx: { clock: Clock; config: C }, trx: Executor): TxCtx<C> {
  return { trx, clock: ctx.clock, config: ctx.config };
}
