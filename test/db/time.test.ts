import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClockOffsetMonitor } from '../../src/app/clock-offset.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import type { DbHandle } from '../../src/db/db.js';
import { dbNow, nowSql, nowValue } from '../../src/db/time.js';
import { nodeClock } from '../../src/shared/clock.js';
import { ManualClock } from '../clock.js';
import { freshDatabase, TEST_DIALECT } from '../database.js';

/**
 * The time source behind every lockout, window and expiry (src/db/time.ts, docs/adr/0005-database-clock.md). The
 * two-process proof is test/scale/clock-skew.test.ts; this file checks the pieces on each dialect.
 */
const PG = TEST_DIALECT === 'postgres';
const AHEAD_MS = 120_000;
let handle: DbHandle;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ handle, drop } = await freshDatabase());
});
afterAll(async () => drop());

/** "Now" as evaluated inside a statement, from nowValue()/nowSql(). */
async function inStatement(clock: Parameters<typeof nowValue>[1]): Promise<number> {
  const value = nowValue(handle.db, clock);
  const result = await sql<{ now: string | number }>`select ${nowSql(handle.db, value)} as now`.execute(
    handle.db,
  );
  return Number(result.rows[0]?.now);
}

describe('the database-time source', () => {
  it('the tests’ ManualClock is the time source on every dialect, in a query and inside a statement', async () => {
    const clock = new ManualClock();
    expect(await dbNow(handle.db, clock)).toBe(clock.now());
    expect(await inStatement(clock)).toBe(clock.now());
    clock.advance(61_000);
    expect(await dbNow(handle.db, clock)).toBe(clock.now());
    await handle.db.transaction().execute(async (trx) => {
      expect(await dbNow(trx, clock)).toBe(clock.now());
    });
  });

  it.skipIf(!PG)(
    "SEC-BF-06: on PostgreSQL a node's clock defers to the database's: 120 s ahead, it still reads the database's time, in a query and inside a statement",
    async () => {
      const ahead = nodeClock(AHEAD_MS);
      expect(nowValue(handle.db, ahead)).toBeNull();
      for (const read of [
        () => dbNow(handle.db, ahead),
        () => handle.db.transaction().execute((trx) => dbNow(trx, ahead)),
        () => inStatement(ahead),
      ]) {
        const before = Date.now();
        const now = await read();
        // This process and the embedded server share the machine's clock: the database's time is ours.
        expect(now).toBeGreaterThanOrEqual(before - 1_000);
        expect(now).toBeLessThanOrEqual(Date.now() + 1_000);
        expect(Math.abs(now - ahead.now())).toBeGreaterThan(AHEAD_MS - 2_000);
      }
    },
  );

  it.skipIf(PG)(
    "on SQLite (one process, one clock) a node's clock is the database's time, shifted or not",
    async () => {
      const ahead = nodeClock(AHEAD_MS);
      expect(Math.abs((await dbNow(handle.db, ahead)) - (Date.now() + AHEAD_MS))).toBeLessThan(1_000);
      expect(Math.abs((await inStatement(ahead)) - (Date.now() + AHEAD_MS))).toBeLessThan(1_000);
    },
  );
});

describe('the node clock offset monitor', () => {
  const limits = { skewLimitMs: 30_000, skewWarnMs: 5_000 };
  const capture = () => {
    const warnings: { obj: object; msg: string }[] = [];
    return { warnings, log: { warn: (obj: object, msg: string) => warnings.push({ obj, msg }) } };
  };

  it.skipIf(!PG)(
    'SEC-BF-06: the offset monitor measures a node 120 s ahead, marks it skewed past the limit and warns',
    async () => {
      const { warnings, log } = capture();
      const monitor = createClockOffsetMonitor({ db: handle.db, clock: nodeClock(AHEAD_MS), limits, log });
      expect(monitor.current()).toBeNull();
      const reading = await monitor.measure();
      expect(reading?.status).toBe('skewed');
      expect(Math.abs((reading?.offsetMs ?? 0) - AHEAD_MS)).toBeLessThan(1_000);
      expect(monitor.current()).toEqual(reading);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.msg).toContain('CLOCK_SKEW_LIMIT_SECONDS');

      // 10 s behind: within the limit, but worth a warning (from 5 s).
      const behind = capture();
      const slow = createClockOffsetMonitor({
        db: handle.db,
        clock: nodeClock(-10_000),
        limits,
        log: behind.log,
      });
      const slowReading = await slow.measure();
      expect(slowReading?.status).toBe('ok');
      expect(Math.abs((slowReading?.offsetMs ?? 0) + 10_000)).toBeLessThan(1_000);
      expect(behind.warnings).toHaveLength(1);
      expect(behind.warnings[0]?.msg).toContain('drifting');

      // On time: ok, and silent.
      const onTime = capture();
      const good = createClockOffsetMonitor({ db: handle.db, clock: nodeClock(0), limits, log: onTime.log });
      expect((await good.measure())?.status).toBe('ok');
      expect(onTime.warnings).toHaveLength(0);
    },
  );

  it('with the database’s clock being the node’s own (tests’ clock, or SQLite) the offset is 0', async () => {
    const { warnings, log } = capture();
    const monitor = createClockOffsetMonitor({ db: handle.db, clock: new ManualClock(), limits, log });
    expect(await monitor.measure()).toEqual({ offsetMs: 0, status: 'ok', limitMs: 30_000 });
    expect(warnings).toHaveLength(0);
  });
});

describe('CLOCK_SKEW_LIMIT_SECONDS and CLOCK_OFFSET_SECONDS_FOR_TESTING', () => {
  it('default to 30 s and no offset; take whole seconds', () => {
    expect(loadConfig({}).clock).toEqual({ skewLimitMs: 30_000, skewWarnMs: 5_000, testOffsetMs: 0 });
    expect(
      loadConfig({ CLOCK_SKEW_LIMIT_SECONDS: '90', CLOCK_OFFSET_SECONDS_FOR_TESTING: '-120' }).clock,
    ).toEqual({ skewLimitMs: 90_000, skewWarnMs: 5_000, testOffsetMs: -120_000 });
  });

  it('a bad value is a clear start-up error naming the variable', () => {
    for (const [name, value] of [
      ['CLOCK_SKEW_LIMIT_SECONDS', '0'],
      ['CLOCK_SKEW_LIMIT_SECONDS', 'soon'],
      ['CLOCK_OFFSET_SECONDS_FOR_TESTING', '1.5'],
      ['CLOCK_OFFSET_SECONDS_FOR_TESTING', '100000'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });
});
