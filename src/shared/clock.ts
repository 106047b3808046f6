/**
 * Time comes from an injected clock so tests move it instead of sleeping. Milliseconds since the epoch.
 *
 * `defersToDatabase` marks a node's own clock (the server's and the CLI's): wherever a time is
 * compared with a stored one, or stored for another node to compare, the database's time is used
 * instead (SEC-BF-06, docs/adr/0005-database-clock.md; see src/db/time.ts). A clock without it (the
 * tests' ManualClock) is itself the time source, on every dialect.
 */
export interface Clock {
  now(): number;
  readonly defersToDatabase?: boolean;
}

/** The node's clock, shifted by `offsetMs` (only ever non-zero in tests: CLOCK_OFFSET_SECONDS_FOR_TESTING). */
export function nodeClock(offsetMs = 0): Clock {
  return { now: () => Date.now() + offsetMs, defersToDatabase: true };
}

export const systemClock: Clock = nodeClock(0);

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
