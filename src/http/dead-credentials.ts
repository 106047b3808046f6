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
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly capacity = 50_000,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  has(secret: string, now = Date.now()): boolean {
    const until = this.seen.get(secret);
    if (until === undefined) return false;
    if (until > now) return true;
    this.seen.delete(secret);
    return false;
  }

  add(secret: string, now = Date.now()): void {
    this.seen.delete(secret);
    this.seen.set(secret, now + this.ttlMs);
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }
}
