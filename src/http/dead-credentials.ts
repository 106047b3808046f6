/**
 * Credentials this node has seen refused: unknown, ended, expired or revoked sessions and API tokens.
 * None of these can become valid again (secrets are 256-bit random values, never reissued, and an ended
 * session or revoked token stays ended), so the next request with one is refused without asking the
 * database. This is what keeps a flood from a session that just ended (SEC-PW-07 ends it) from costing
 * a database round trip per request (SEC-PS-02).
 *
 * Bounded: the oldest entries are forgotten first, and forgetting one only costs a lookup again.
 */
export class DeadCredentials {
  /** Per credential: until when it is remembered, and how often it was offered again meanwhile. */
  private readonly seen = new Map<string, { until: number; hits: number }>();

  constructor(
    private readonly capacity = 50_000,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  /**
   * 0 if the credential is not known to be refused; else how many times it has now been offered
   * since it was (1 the first time), which tells a client that lost its session from a flood.
   */
  hits(secret: string, now = Date.now()): number {
    const entry = this.seen.get(secret);
    if (entry === undefined) return 0;
    if (entry.until <= now) {
      this.seen.delete(secret);
      return 0;
    }
    entry.hits += 1;
    return entry.hits;
  }

  add(secret: string, now = Date.now()): void {
    this.seen.delete(secret);
    this.seen.set(secret, { until: now + this.ttlMs, hits: 0 });
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }
}
