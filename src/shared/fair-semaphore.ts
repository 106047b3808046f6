/**
 * Where a task comes from, for fair admission: the client's address (`group`) and, when known, the
 * session or token inside it (`lane`).
 */
export interface FairKey {
  group: string;
  lane: string;
  /** The most this group and this lane may hold at once (queued + running). */
  groupLimit: number;
  laneLimit: number;
}

/** Thrown when a caller already holds its whole share (queued + running); the task never ran. */
export class FairShareExceeded extends Error {
  override name = 'FairShareExceeded';
}

interface Waiter {
  key: FairKey;
  start: () => void;
}

/**
 * Limits how many async tasks run at once, like Semaphore, but serves the waiting ones round-robin:
 * first across groups (client addresses), then across lanes (sessions, tokens) within a group, FIFO
 * within a lane. One caller with hundreds of requests in flight then holds one turn per round, not
 * the whole queue, so anyone else waits for at most one task per other active caller. A group and a
 * lane may hold at most the key's limits (queued + running); beyond that a task is refused at once
 * (FairShareExceeded) instead of queueing, which also bounds the memory a flood takes.
 */
export class FairSemaphore {
  private active = 0;
  private waitingCount = 0;
  /** group → lane → FIFO; Maps keep insertion order, which is the round-robin order. */
  private readonly groups = new Map<string, Map<string, Waiter[]>>();
  private readonly heldByGroup = new Map<string, number>();
  private readonly heldByLane = new Map<string, number>();

  constructor(private readonly limit: number) {}

  async run<T>(key: FairKey, task: () => Promise<T>): Promise<T> {
    const laneId = `${key.group}\u0000${key.lane}`;
    if (
      (this.heldByGroup.get(key.group) ?? 0) >= key.groupLimit ||
      (this.heldByLane.get(laneId) ?? 0) >= key.laneLimit
    )
      throw new FairShareExceeded('this caller already has its share of the hashing pool');
    bump(this.heldByGroup, key.group, 1);
    bump(this.heldByLane, laneId, 1);
    try {
      if (this.active >= this.limit) await new Promise<void>((start) => this.enqueue({ key, start }));
      else this.active += 1;
      try {
        return await task();
      } finally {
        const next = this.dequeue();
        if (next) next.start();
        else this.active -= 1;
      }
    } finally {
      bump(this.heldByGroup, key.group, -1);
      bump(this.heldByLane, laneId, -1);
    }
  }

  /** Tasks waiting for a slot (a metric, and a sign of a flood). */
  waiting(): number {
    return this.waitingCount;
  }

  private enqueue(waiter: Waiter): void {
    let lanes = this.groups.get(waiter.key.group);
    if (!lanes) this.groups.set(waiter.key.group, (lanes = new Map()));
    let queue = lanes.get(waiter.key.lane);
    if (!queue) lanes.set(waiter.key.lane, (queue = []));
    queue.push(waiter);
    this.waitingCount += 1;
  }

  /**
   * The next task round-robin: the first group's first lane gives one task, then that lane moves to
   * the back of its group and the group to the back of the groups (deleting and re-inserting a Map
   * key moves it to the end).
   */
  private dequeue(): Waiter | undefined {
    const first = this.groups.entries().next();
    if (first.done) return undefined;
    const [group, lanes] = first.value;
    const [lane, queue] = lanes.entries().next().value as [string, Waiter[]];
    const waiter = queue.shift() as Waiter;
    lanes.delete(lane);
    if (queue.length > 0) lanes.set(lane, queue);
    this.groups.delete(group);
    if (lanes.size > 0) this.groups.set(group, lanes);
    this.waitingCount -= 1;
    return waiter;
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}
