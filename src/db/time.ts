import { sql, type RawBuilder } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { Executor } from './db.js';
import { isPostgres } from './dialect.js';

/**
 * "Now" for every security decision (SEC-BF-06, docs/adr/0005-database-clock.md): nodes whose clocks
 * disagree must still agree on whether a lockout, a window or an expiry has passed, so the time that
 * is compared with stored times, and stored for other nodes to compare, is the database's.
 *
 * - PostgreSQL with a node's clock (production): the server's `clock_timestamp()`, the moment the
 *   statement reads it. Not `now()`: that is the transaction's start, which lags behind when the
 *   transaction waited for a lock (the audit chain's advisory lock, a contended row), and would
 *   give a later event an earlier time. A use case reads it once and uses that one value for every
 *   row it writes, so its rows agree with each other.
 * - SQLite: one process, so its clock is the only one.
 * - An injected clock that does not defer to the database (tests' ManualClock) is the time source
 *   on both dialects, so tests keep moving time by hand.
 */
const PG_NOW = sql<string>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** The database's time in epoch milliseconds, read through `exec` (inside a transaction: pass it). */
export async function dbNow(exec: Executor, clock: Clock): Promise<number> {
  if (!clock.defersToDatabase || !isPostgres(exec as never)) return clock.now();
  const result = await sql<{ now: string | number }>`select ${PG_NOW} as now`.execute(exec);
  return Number(result.rows[0]?.now);
}

/**
 * For queries that must not spend a round trip on reading the time (the request guard's, ADR 0003):
 * the value to bind for "now", null when the database is to evaluate it in the statement itself.
 */
export function nowValue(exec: Executor, clock: Clock): number | null {
  return clock.defersToDatabase && isPostgres(exec as never) ? null : clock.now();
}

/** "Now" inside a statement, from the value nowValue() gave: bound, or the database's when null. */
export function nowSql(exec: Executor, value: number | null): RawBuilder<number> {
  return isPostgres(exec as never)
    ? sql<number>`coalesce(cast(${value} as bigint), ${PG_NOW})`
    : sql<number>`cast(${value} as integer)`;
}

/**
 * A clock that answers a time the use case has already read from the database: handed to the steps
 * of the same use case that write rows with it (a sign-in's session), so that they spend no round
 * trip reading it again and their rows agree with each other.
 */
export function timeAlreadyRead(now: number): Clock {
  return { now: () => now };
}
