/**
 * Counts the requests of each key (a session, a token) in progress on this node and admits at most
 * `max` at once: the cheap first gate in front of work that costs database writes and hashing.
 */
export class InFlightLimit {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A release function when admitted (call it exactly once, when done), or null when the key is full. */
  enter(key: string): (() => void) | null {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.max) return null;
    this.counts.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }
}
