import type { SettingsReader } from '../config/settings-in-force.js';
import type { Clock } from '../shared/clock.js';
import type { Db, Executor } from './db.js';

/**
 * The one way services receive shared things (docs/adr/0007-service-context.md): a use case is
 * `f(ctx, ...)` with `ctx = { db, clock, config, ... }`, each module naming the part it needs with
 * `Pick`; a step that runs inside the caller's transaction is `f(tx, ...)` with the same context
 * and `trx` in place of `db`, so time, configuration and the transaction travel together.
 * `config` is the environment only; the organization settings in force are an explicit read,
 * `ctx.settings.current()`, one snapshot per use case.
 */
export interface Ctx<C = unknown> {
  db: Db;
  clock: Clock;
  config: C;
  settings: SettingsReader;
}

export interface TxCtx<C = unknown> {
  trx: Executor;
  clock: Clock;
  config: C;
  settings: SettingsReader;
}

/** The transaction context for `trx`, taken from a use case's context. */
export function inTx<C>(ctx: { clock: Clock; config: C; settings: SettingsReader }, trx: Executor): TxCtx<C> {
  return { trx, clock: ctx.clock, config: ctx.config, settings: ctx.settings };
}
