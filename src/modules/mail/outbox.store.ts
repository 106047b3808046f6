import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import { isPostgres } from '../../db/dialect.js';
import type { MailOutboxTable, OutboxStatus } from './mail.table.js';

export type OutboxRow = Selectable<MailOutboxTable>;

export async function insertMessage(exec: Executor, row: Insertable<MailOutboxTable>): Promise<void> {
  await exec.insertInto('mailOutbox').values(row).execute();
}

/**
 * Claims up to `limit` due messages for one dispatcher: queued ones whose time has come, and
 * 'sending' ones whose claim expired (their node died). On PostgreSQL `FOR UPDATE SKIP LOCKED`
 * lets several nodes claim at once without ever taking the same row; SQLite has one writer.
 */
export async function claimDue(
  exec: Executor,
  now: number,
  lockMs: number,
  limit: number,
): Promise<OutboxRow[]> {
  const skipLocked = isPostgres(exec as never) ? sql`for update skip locked` : sql``;
  const result = await sql<OutboxRow>`
    update mail_outbox
       set status = 'sending', locked_until = ${now + lockMs}, attempts = attempts + 1
     where id in (
       select id from mail_outbox
        where (status = 'queued' and next_attempt_at <= ${now})
           or (status = 'sending' and locked_until <= ${now})
        order by next_attempt_at, id
        limit ${limit}
        ${skipLocked})
    returning id, created_at as "createdAt", template, locale, to_address as "toAddress", subject,
              text_body as "textBody", html_body as "htmlBody", status, attempts,
              next_attempt_at as "nextAttemptAt", locked_until as "lockedUntil", last_error as "lastError",
              sent_at as "sentAt"`.execute(exec);
  return result.rows;
}

/** Marks a message sent and scrubs its body: links with tokens do not stay in the database. */
export async function markSent(exec: Executor, id: string, at: number): Promise<void> {
  await exec
    .updateTable('mailOutbox')
    .set({ status: 'sent', sentAt: at, lockedUntil: null, lastError: null, textBody: null, htmlBody: null })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

export async function markRetry(
  exec: Executor,
  id: string,
  nextAttemptAt: number,
  error: string,
): Promise<void> {
  await exec
    .updateTable('mailOutbox')
    .set({ status: 'queued', nextAttemptAt, lockedUntil: null, lastError: error })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

export async function markFailed(exec: Executor, id: string, error: string): Promise<void> {
  await exec
    .updateTable('mailOutbox')
    .set({ status: 'failed', lockedUntil: null, lastError: error })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

export async function countByStatus(exec: Executor): Promise<Record<OutboxStatus, number>> {
  const rows = await exec
    .selectFrom('mailOutbox')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

export async function recentFailures(exec: Executor, limit: number): Promise<OutboxRow[]> {
  return exec
    .selectFrom('mailOutbox')
    .selectAll()
    .where('status', '=', 'failed')
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .execute();
}

/** Failed messages keep their body (any link in it still expires with its token) so an operator can retry them. */
export async function requeueFailed(exec: Executor, now: number): Promise<number> {
  const result = await exec
    .updateTable('mailOutbox')
    .set({ status: 'queued', nextAttemptAt: now, attempts: 0, lastError: null })
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Gives claimed but unsent messages back (a dispatcher stopping mid-batch): queued and due as they
 * were, the claim's attempt not counted, so another node or the next start sends them at once.
 */
export async function releaseClaims(exec: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await exec
    .updateTable('mailOutbox')
    .set((eb) => ({ status: 'queued', lockedUntil: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids)
    .where('status', '=', 'sending')
    .execute();
}
