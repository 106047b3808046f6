import { sql } from 'kysely';
import type { Executor } from '../../db/db.js';
import { nowSql } from '../../db/time.js';

/* PostgreSQL infers a bare parameter next to an integer column as int4; epoch milliseconds need int8. */
const big = (n: number | null) => sql`cast(${n} as bigint)`;

export interface LockoutPolicy {
  threshold: number;
  stepMs: number;
  maxMs: number;
  resetAfterMs: number;
}

/**
 * Counts one failure in a single atomic statement: the count resets after a quiet period, every
 * `threshold`-th failure starts a lockout that grows by one step per further threshold, and
 * failures during a lockout are not counted (the WHERE clause). PostgreSQL re-checks the WHERE on
 * the latest row version, SQLite has one writer: concurrent failures can never skip a lockout.
 */
export async function addFailure(
  exec: Executor,
  key: string,
  now: number,
  p: LockoutPolicy,
): Promise<{ failures: number; lockedUntil: number | null } | null> {
  const quietSince = now - p.resetAfterMs;
  const next = sql`(case when account_throttle.last_failure_at <= ${big(quietSince)} then 1 else account_throttle.failures + 1 end)`;
  const steps = sql`(${next} / ${p.threshold})`;
  const duration = sql`(case when ${steps} * ${big(p.stepMs)} > ${big(p.maxMs)} then ${big(p.maxMs)} else ${steps} * ${big(p.stepMs)} end)`;
  const firstLock = p.threshold <= 1 ? now + Math.min(p.stepMs, p.maxMs) : null;
  const result = await sql<{ failures: number; lockedUntil: number | null }>`
    insert into account_throttle (key, failures, locked_until, last_failure_at)
    values (${key}, 1, ${big(firstLock)}, ${big(now)})
    on conflict (key) do update set
      failures = ${next},
      locked_until = case when ${next} % ${p.threshold} = 0 then ${big(now)} + ${duration} else account_throttle.locked_until end,
      last_failure_at = ${big(now)}
    where account_throttle.locked_until is null or account_throttle.locked_until <= ${big(now)}
    returning failures, locked_until as "lockedUntil"`.execute(exec);
  const row = result.rows[0];
  return row
    ? {
        failures: Number(row.failures),
        lockedUntil: row.lockedUntil === null ? null : Number(row.lockedUntil),
      }
    : null;
}

export async function lockedUntil(exec: Executor, key: string): Promise<number | null> {
  const row = await exec
    .selectFrom('accountThrottle')
    .select('lockedUntil')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.lockedUntil ?? null;
}

/** `now` as nowValue() gives it: null compares with the database's own time in this statement (no extra read). */
export async function lockedUntilMany(
  exec: Executor,
  keys: string[],
  now: number | null,
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await exec
    .selectFrom('accountThrottle')
    .select(['key', 'lockedUntil'])
    .where('key', 'in', keys)
    .where('lockedUntil', '>', nowSql(exec, now))
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.lockedUntil)]));
}

export async function failureCount(exec: Executor, key: string): Promise<number> {
  const row = await exec
    .selectFrom('accountThrottle')
    .select('failures')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.failures ?? 0;
}

export async function clear(exec: Executor, key: string): Promise<void> {
  await exec.deleteFrom('accountThrottle').where('key', '=', key).execute();
}

/** One hit in a fixed window, atomically; returns the count in the current window and when it started. */
export async function hit(
  exec: Executor,
  key: string,
  now: number,
  windowMs: number,
): Promise<{ count: number; windowStart: number }> {
  const expired = sql`rate_counters.window_start <= ${big(now - windowMs)}`;
  const result = await sql<{ count: number; windowStart: number }>`
    insert into rate_counters (key, window_start, count) values (${key}, ${big(now)}, 1)
    on conflict (key) do update set
      window_start = case when ${expired} then ${big(now)} else rate_counters.window_start end,
      count = case when ${expired} then 1 else rate_counters.count + 1 end
    returning count, window_start as "windowStart"`.execute(exec);
  const row = result.rows[0] as { count: number; windowStart: number };
  return { count: Number(row.count), windowStart: Number(row.windowStart) };
}

export async function peek(
  exec: Executor,
  key: string,
  now: number,
  windowMs: number,
): Promise<{ count: number; windowStart: number }> {
  const row = await exec
    .selectFrom('rateCounters')
    .select(['count', 'windowStart'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row || row.windowStart <= now - windowMs) return { count: 0, windowStart: now };
  return { count: row.count, windowStart: row.windowStart };
}

/** Gives one hit back, only within the window it was counted in (a success gives back its reservation). */
export async function release(exec: Executor, key: string, windowStart: number): Promise<void> {
  await exec
    .updateTable('rateCounters')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('windowStart', '=', windowStart)
    .where('count', '>', 0)
    .execute();
}

/** The keys (emails) locked at `now`, as a subquery another list can filter by (`status=locked`). */
export function lockedKeysQuery(exec: Executor, now: number) {
  return exec.selectFrom('accountThrottle').select('key').where('lockedUntil', '>', now);
}

export async function countLocked(exec: Executor, now: number): Promise<number> {
  const row = await exec
    .selectFrom('accountThrottle')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('lockedUntil', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
