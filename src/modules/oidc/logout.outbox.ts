import type Provider from 'oidc-provider';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { serverContext } from '../../shared/context.js';
import { recordStandaloneEvent } from '../audit/index.js';

/**
 * Back-channel logout delivery (SEC-OIDC-05). Rows are written by migration 0010's trigger in the
 * transaction of the account change, so nothing is lost if a node dies; any node sends them. A row is
 * claimed by a conditional UPDATE (its attempt count), so two nodes never both send one attempt.
 * Failures retry with backoff (30 s doubling, at most 1 h apart) and give up after MAX_ATTEMPTS;
 * both outcomes are audited. The grants are already gone when a row is written: sending only tells
 * the app to end its own session.
 */
export const MAX_ATTEMPTS = 8;
const BATCH = 20;
const backoffMs = (attempts: number) => Math.min(3_600_000, 30_000 * 2 ** (attempts - 1));

export interface LogoutOutboxDeps {
  db: Db;
  clock: Clock;
}

export interface LogoutDelivery {
  id: number;
  userId: string;
  clientId: string;
  reason: string;
  createdAt: string;
  attempts: number;
  status: 'pending' | 'sent' | 'failed';
  lastError: string | null;
}

/** Sends what is due now; returns how many rows it handled. The provider is created only if a row is due. */
export async function deliverDueLogouts(
  deps: LogoutOutboxDeps,
  provider: () => Promise<Provider>,
): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .selectFrom('oidcLogoutOutbox')
    .selectAll()
    .where('sentAt', 'is', null)
    .where('failedAt', 'is', null)
    .where('nextAttemptAt', '<=', now)
    .orderBy('id')
    .limit(BATCH)
    .execute();
  let handled = 0;
  for (const row of due) {
    const attempts = row.attempts + 1;
    const claimed = await deps.db
      .updateTable('oidcLogoutOutbox')
      .set({ attempts, nextAttemptAt: now + backoffMs(attempts) })
      .where('id', '=', row.id)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    handled += 1;
    const target = { id: row.clientId, label: null };
    try {
      const client = await (await provider()).Client.find(row.clientId);
      if (!client?.backchannelLogoutUri) throw new Error('the app is gone, disabled or has no logout URI');
      // Typed as unknown by @types/oidc-provider; the certified sender (signed logout+jwt, POST).
      const send = (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> })
        .backchannelLogout;
      await send.call(client, row.userId, '');
      await deps.db
        .updateTable('oidcLogoutOutbox')
        .set({ sentAt: deps.clock.now(), lastError: null })
        .where('id', '=', row.id)
        .execute();
      await recordStandaloneEvent(deps, serverContext(), {
        action: 'oidc.backchannel_logout_sent',
        target,
        details: { userId: row.userId, reason: row.reason, attempts },
      });
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const gaveUp = attempts >= MAX_ATTEMPTS;
      await deps.db
        .updateTable('oidcLogoutOutbox')
        .set({ lastError: message, ...(gaveUp && { failedAt: deps.clock.now() }) })
        .where('id', '=', row.id)
        .execute();
      await recordStandaloneEvent(deps, serverContext(), {
        action: 'oidc.backchannel_logout_failed',
        outcome: 'failure',
        target,
        details: { userId: row.userId, reason: row.reason, attempts, gaveUp, error: message },
      });
    }
  }
  return handled;
}

/** The outbox as admins see it, newest first. */
export async function listLogoutDeliveries(deps: LogoutOutboxDeps, limit = 100): Promise<LogoutDelivery[]> {
  const rows = await deps.db
    .selectFrom('oidcLogoutOutbox')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    userId: row.userId,
    clientId: row.clientId,
    reason: row.reason,
    createdAt: new Date(row.createdAt).toISOString(),
    attempts: row.attempts,
    status: row.sentAt !== null ? 'sent' : row.failedAt !== null ? 'failed' : 'pending',
    lastError: row.lastError,
  }));
}

/** Polls the outbox on a timer (started by the server, not by tests, which call deliverDueLogouts). */
export function startLogoutDelivery(
  deps: LogoutOutboxDeps,
  provider: () => Promise<Provider>,
  onError: (error: unknown) => void,
  intervalMs = 2000,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => deliverDueLogouts(deps, provider)).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
