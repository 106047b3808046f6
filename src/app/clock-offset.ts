import type { Db } from '../db/db.js';
import { dbNow } from '../db/time.js';
import type { Clock } from '../shared/clock.js';

/** How often a node measures its clock against the database's (SEC-BF-06). */
export const CLOCK_CHECK_INTERVAL_MS = 60_000;

export interface ClockReading {
  /** This node's clock minus the database's, in ms: positive when the node is ahead. */
  offsetMs: number;
  status: 'ok' | 'skewed';
  limitMs: number;
}

export interface ClockOffsetMonitor {
  /** Measures now; keeps the previous reading when the database does not answer. */
  measure(): Promise<ClockReading | null>;
  /** The last reading (null before the first). */
  current(): ClockReading | null;
  start(): void;
  stop(): void;
}

/**
 * Lockouts, windows and expiries never use the node's clock (src/db/time.ts), but a few things must:
 * log lines today, TOTP steps and the OpenID Provider's JWT `iat`/`exp` with the issues ahead. So
 * each node measures how far its clock is from the database's, at start and every minute; /readyz
 * reports it and fails past the limit, so a load balancer takes the node out before it signs
 * anything with a wrong time. The database's time is taken as read at the middle of the round trip.
 * On SQLite, and with the tests' ManualClock, the database's time is the node's: the offset is 0.
 */
export function createClockOffsetMonitor(deps: {
  db: Db;
  clock: Clock;
  limits: { skewLimitMs: number; skewWarnMs: number };
  log: { warn(obj: object, msg: string): void };
}): ClockOffsetMonitor {
  let reading: ClockReading | null = null;
  let timer: NodeJS.Timeout | undefined;

  async function measure(): Promise<ClockReading | null> {
    try {
      const sent = deps.clock.now();
      const database = await dbNow(deps.db, deps.clock);
      const received = deps.clock.now();
      const offsetMs = Math.round((sent + received) / 2 - database);
      const skewed = Math.abs(offsetMs) > deps.limits.skewLimitMs;
      reading = { offsetMs, status: skewed ? 'skewed' : 'ok', limitMs: deps.limits.skewLimitMs };
      if (Math.abs(offsetMs) >= deps.limits.skewWarnMs)
        deps.log.warn(
          { offsetMs, limitMs: deps.limits.skewLimitMs, roundTripMs: received - sent },
          skewed
            ? "this node's clock is off the database's by more than CLOCK_SKEW_LIMIT_SECONDS: /readyz answers 503; fix NTP"
            : "this node's clock is drifting from the database's: check NTP",
        );
    } catch {
      // The database is unreachable: /readyz says so on its own; the last reading stands.
    }
    return reading;
  }

  return {
    measure,
    current: () => reading,
    start() {
      if (timer) return;
      timer = setInterval(() => void measure(), CLOCK_CHECK_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
