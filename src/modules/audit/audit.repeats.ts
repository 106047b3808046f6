import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { MINUTE } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { recordStandaloneEvent, type AuditInput } from './audit.service.js';

/**
 * Repeated failures, aggregated (issue 10, item 5; SEC-AUD-01). A refused request has no change to
 * commit with, so before this each one appended its own event under the chain's lock: one viewer
 * looping over an admin route wrote ~1,500 events/s, and every audited change queued behind them.
 *
 * Now, per node and per (action, actor, subject) — for a 403 the subject is the method and route:
 * - the first occurrence in a window is written at once, exactly as before (a single denial still
 *   shows up immediately, with its request id, IP and user agent);
 * - later occurrences in the same window are only counted in memory;
 * - when the window has ended, one more event records them: the same action, outcome and target,
 *   `details` as the first plus `count` (how many requests it stands for), `firstAt`/`lastAt`, and
 *   the last request's id, IP and user agent.
 * An event without `details.count` stands for one request, so the counts of a key's events add up to
 * the requests made. No actor can make the log grow faster than two events per subject per window per
 * node, however many requests it sends; subjects are bounded (routes, roles), not caller-chosen text.
 *
 * The counts live in memory: a node that crashes loses the count of its open windows (at most one
 * window per key; the first event of each is already stored). A clean shutdown writes them (stop()).
 */
export interface RepeatOptions {
  /** Length of an aggregation window. */
  windowMs: number;
  /** Open keys held at most; past it every pending count is written out and the table starts afresh. */
  maxKeys: number;
}

export const DEFAULT_REPEATS: RepeatOptions = { windowMs: MINUTE, maxKeys: 10_000 };

interface Pending {
  windowStart: number;
  input: AuditInput;
  /** Occurrences after the first in this window, not yet written. */
  repeats: number;
  firstRepeatAt: number;
  lastAt: number;
  lastActor: ActorContext;
}

export interface RepeatedEvents {
  /**
   * Records one occurrence of a standalone event that a caller can repeat at will (a refused
   * request). `subject` names what was attempted; the actor key is the user id, or the IP when
   * nobody is signed in.
   */
  record(actor: ActorContext, input: AuditInput, subject: string): Promise<void>;
  /** Writes the counts of every window that has ended (all of them with `everything`). */
  flush(everything?: boolean): Promise<void>;
  /** Writes the counts of ended windows every window's length (real time), until stop(). */
  start(onError: (error: unknown) => void): void;
  /** Stops the timer and writes every pending count. */
  stop(): Promise<void>;
}

export function createRepeatedEvents(
  deps: { db: Db; clock: Clock },
  options: RepeatOptions = DEFAULT_REPEATS,
): RepeatedEvents {
  const pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let lastSweep = deps.clock.now();
  /** One writer of summaries at a time, so a count is never written twice. */
  let writing: Promise<void> = Promise.resolve();

  const summaryOf = (p: Pending): AuditInput => ({
    ...p.input,
    details: {
      ...p.input.details,
      count: p.repeats,
      firstAt: new Date(p.firstRepeatAt).toISOString(),
      lastAt: new Date(p.lastAt).toISOString(),
    },
  });

  /** Takes the entries to write out of the table synchronously, then writes them one by one. */
  const writeOut = (select: (p: Pending) => boolean): Promise<void> => {
    const due: Pending[] = [];
    for (const [key, p] of pending) {
      if (!select(p)) continue;
      pending.delete(key);
      if (p.repeats > 0) due.push(p);
    }
    const run = writing.then(async () => {
      for (const p of due) await recordStandaloneEvent(deps, p.lastActor, summaryOf(p));
    });
    writing = run.catch(() => undefined);
    return run;
  };

  const ended = (now: number) => (p: Pending) => now >= p.windowStart + options.windowMs;

  return {
    async record(actor, input, subject) {
      // The table is updated synchronously, before any await, so concurrent requests count exactly.
      const now = deps.clock.now();
      const writes: Array<Promise<void>> = [];
      if (now - lastSweep >= options.windowMs) {
        lastSweep = now;
        writes.push(writeOut(ended(now)));
      }
      const key = JSON.stringify([input.action, actor.actorId ?? `ip:${actor.ip ?? ''}`, subject]);
      const open = pending.get(key);
      if (open && now < open.windowStart + options.windowMs) {
        if (open.repeats === 0) open.firstRepeatAt = now;
        open.repeats += 1;
        open.lastAt = now;
        open.lastActor = actor;
        await Promise.all(writes);
        return;
      }
      if (open) writes.push(writeOut((p) => p === open));
      else if (pending.size >= options.maxKeys) writes.push(writeOut(() => true));
      pending.set(key, {
        windowStart: now,
        input,
        repeats: 0,
        firstRepeatAt: now,
        lastAt: now,
        lastActor: actor,
      });
      // The previous window's count goes in before this window's first event.
      await Promise.all(writes);
      await recordStandaloneEvent(deps, actor, input);
    },
    flush(everything = false) {
      return writeOut(everything ? () => true : ended(deps.clock.now()));
    },
    start(onError) {
      timer ??= setInterval(() => {
        writeOut(ended(deps.clock.now())).catch(onError);
      }, options.windowMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await writeOut(() => true);
    },
  };
}
