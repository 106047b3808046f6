import { dbNow } from '../../db/time.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import * as store from './outbox.store.js';
import type { MailTransport } from './transports.js';

export interface DispatcherOptions {
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  /** First retry delay; doubles on each attempt, capped at maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** How long a claim holds before another node may take the message over. */
  claimMs: number;
  batchSize: number;
  pollMs: number;
}

export const DEFAULT_DISPATCHER: DispatcherOptions = {
  maxAttempts: 8,
  baseBackoffMs: 30_000,
  maxBackoffMs: 60 * 60_000,
  claimMs: 120_000,
  batchSize: 20,
  pollMs: 1_000,
};

export interface Dispatcher {
  /** Sends every message that is due now; returns how many were attempted. */
  runOnce(): Promise<number>;
  start(): void;
  /**
   * Stops polling and waits for the message being sent (not the whole backlog): the rest of the
   * claimed batch goes back to the queue, so a shutdown takes at most one send.
   */
  stop(): Promise<void>;
  /** Asks for a run soon (after a message was queued). */
  nudge(): void;
}

export function backoffMs(attempt: number, options: DispatcherOptions): number {
  return Math.min(options.baseBackoffMs * 2 ** Math.max(0, attempt - 1), options.maxBackoffMs);
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 500);
}

/**
 * Runs in every node. Each pass claims due messages (PostgreSQL: SKIP LOCKED, so nodes never send
 * one message twice), sends them, and records the outcome: sent; queued again with exponential
 * backoff; or failed after the last attempt, keeping the last error.
 */
export function createDispatcher(
  deps: { db: Db; clock: Clock; transport: MailTransport; log?: { warn(obj: object, msg: string): void } },
  options: DispatcherOptions = DEFAULT_DISPATCHER,
): Dispatcher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  /** Set by stop(): the pass in flight finishes the message it is sending and gives the rest back. */
  let stopping = false;

  async function recordSent(id: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await store.markSent(deps.db, id, await dbNow(deps.db, deps.clock));
        return;
      } catch (error) {
        deps.log?.warn({ outboxId: id, attempt, reason: describe(error) }, 'could not record a sent message');
        if (attempt >= 5) return;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  async function pass(): Promise<number> {
    let attempted = 0;
    for (;;) {
      if (stopping) return attempted;
      const batch = await store.claimDue(
        deps.db,
        await dbNow(deps.db, deps.clock),
        options.claimMs,
        options.batchSize,
      );
      if (batch.length === 0) return attempted;
      for (const [index, message] of batch.entries()) {
        if (stopping) {
          await store.releaseClaims(
            deps.db,
            batch.slice(index).map((m) => m.id),
          );
          return attempted;
        }
        attempted += 1;
        try {
          await deps.transport.send({
            to: message.toAddress,
            subject: message.subject,
            text: message.textBody ?? '',
            html: message.htmlBody ?? '',
          });
        } catch (error) {
          const reason = describe(error);
          deps.log?.warn({ outboxId: message.id, attempt: message.attempts, reason }, 'mail delivery failed');
          if (message.attempts >= options.maxAttempts) await store.markFailed(deps.db, message.id, reason);
          else
            await store.markRetry(
              deps.db,
              message.id,
              (await dbNow(deps.db, deps.clock)) + backoffMs(message.attempts, options),
              reason,
            );
          continue;
        }
        // Delivered: a failure to record that (e.g. a busy database) must not count as a failed
        // delivery, or the message would be queued and sent again.
        await recordSent(message.id);
      }
      if (batch.length < options.batchSize) return attempted;
    }
  }

  const runOnce = () => (running ??= pass().finally(() => (running = undefined)));

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => deps.log?.warn({ reason: describe(error) }, 'mail dispatcher pass failed'))
        .finally(() => schedule(options.pollMs));
    }, delay);
    timer.unref();
  };

  return {
    runOnce,
    start() {
      stopped = false;
      stopping = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      stopping = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    nudge() {
      if (!running) schedule(10);
    },
  };
}
