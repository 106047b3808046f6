/** Consecutive failed sign-ins per account key (the normalized email), shared by every node. */
export interface AccountThrottleTable {
  key: string;
  failures: number;
  lockedUntil: number | null;
  lastFailureAt: number;
}

/** Fixed-window counters (per IP, per submitted email), shared by every node. */
export interface RateCountersTable {
  key: string;
  windowStart: number;
  count: number;
}
