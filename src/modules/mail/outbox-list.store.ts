import type { Executor } from '../../db/db.js';
import type { OutboxStatus } from './mail.table.js';

export interface OutboxListQuery {
  status?: OutboxStatus | undefined;
  /** Keyset: rows strictly older than (createdAt, id). */
  before?: { createdAt: number; id: string } | undefined;
  limit: number;
}

/** Messages newest first, without their bodies (links with tokens never leave through this list). */
export async function findOutboxPage(exec: Executor, q: OutboxListQuery) {
  let query = exec
    .selectFrom('mailOutbox')
    .select([
      'id',
      'createdAt',
      'template',
      'toAddress',
      'subject',
      'status',
      'attempts',
      'lastError',
      'sentAt',
      'nextAttemptAt',
    ]);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.before) {
    const before = q.before;
    query = query.where((eb) =>
      eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(before.createdAt, before.id)),
    );
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}

/** The newest delivery error (a message still retrying or finally failed), for Settings → Mail. */
export async function latestError(exec: Executor) {
  return exec
    .selectFrom('mailOutbox')
    .select(['lastError', 'createdAt', 'toAddress'])
    .where('lastError', 'is not', null)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}
