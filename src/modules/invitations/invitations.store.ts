import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import type { InvitationsTable } from './invitations.table.js';

export type InvitationRow = Selectable<InvitationsTable>;

/** What the list shows: 'expired' covers a pending invitation past its expiry as well as a stored 'expired'. */
export type ListedStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

export interface InvitationFilter {
  status?: ListedStatus | undefined;
  /** Lower-cased substring of the email. */
  search?: string | undefined;
  now: number;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filtered(exec: Executor, f: InvitationFilter) {
  let q = exec.selectFrom('invitations');
  switch (f.status) {
    case 'pending':
      q = q.where('status', '=', 'pending').where('expiresAt', '>', f.now);
      break;
    case 'expired':
      q = q.where((eb) =>
        eb.or([
          eb('status', '=', 'expired'),
          eb.and([eb('status', '=', 'pending'), eb('expiresAt', '<=', f.now)]),
        ]),
      );
      break;
    case 'accepted':
    case 'revoked':
      q = q.where('status', '=', f.status);
      break;
    case undefined:
      break;
  }
  if (f.search) q = q.where(sql<boolean>`email like ${`%${escapeLike(f.search)}%`} escape '\\'`);
  return q;
}

/** Newest first, keyset on (createdAt, id): no OFFSET. */
export async function findPage(
  exec: Executor,
  q: InvitationFilter & { after?: { createdAt: number; id: string } | undefined; limit: number },
): Promise<InvitationRow[]> {
  let query = filtered(exec, q).selectAll();
  if (q.after) {
    const after = q.after;
    query = query.where((eb) => eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}

export async function count(exec: Executor, f: InvitationFilter): Promise<number> {
  const row = await filtered(exec, f)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insert(exec: Executor, row: Insertable<InvitationsTable>): Promise<void> {
  await exec.insertInto('invitations').values(row).execute();
}

export async function findById(exec: Executor, id: string): Promise<InvitationRow | undefined> {
  return exec.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The one stored 'pending' invitation of an address (the partial unique index allows no second), expired or not. */
export async function findPendingByEmail(exec: Executor, email: string): Promise<InvitationRow | undefined> {
  return exec
    .selectFrom('invitations')
    .selectAll()
    .where('email', '=', email)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** A pending, unexpired invitation behind a token hash: the only kind a link may use. */
export async function findUsableByTokenHash(
  exec: Executor,
  tokenHash: string,
  now: number,
): Promise<InvitationRow | undefined> {
  return exec
    .selectFrom('invitations')
    .selectAll()
    .where('tokenHash', '=', tokenHash)
    .where('status', '=', 'pending')
    .where('expiresAt', '>', now)
    .executeTakeFirst();
}

/** Retires an expired pending invitation, so a new one for the same address may be created. */
export async function markExpired(exec: Executor, id: string): Promise<boolean> {
  const result = await exec
    .updateTable('invitations')
    .set({ status: 'expired' })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A new secret and expiry for a still pending invitation; the old link stops working at once. */
export async function rotateToken(
  exec: Executor,
  id: string,
  tokenHash: string,
  expiresAt: number,
): Promise<boolean> {
  const result = await exec
    .updateTable('invitations')
    .set({ tokenHash, expiresAt })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The stored 'pending' invitations one person made, expired or not. */
export async function findPendingByInviter(exec: Executor, inviterId: string): Promise<InvitationRow[]> {
  return exec
    .selectFrom('invitations')
    .selectAll()
    .where('inviterId', '=', inviterId)
    .where('status', '=', 'pending')
    .execute();
}

export async function revoke(exec: Executor, id: string, now: number): Promise<boolean> {
  const result = await exec
    .updateTable('invitations')
    .set({ status: 'revoked', revokedAt: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Single use (SEC-RST-04): one conditional UPDATE takes the invitation from pending to accepted.
 * Of concurrent redemptions exactly one sees a row change; on PostgreSQL the others wait for its
 * row lock, then find the row no longer pending. The caller checks the result inside its transaction.
 */
export async function consume(exec: Executor, tokenHash: string, now: number): Promise<boolean> {
  const result = await exec
    .updateTable('invitations')
    .set({ status: 'accepted', acceptedAt: now })
    .where('tokenHash', '=', tokenHash)
    .where('status', '=', 'pending')
    .where('expiresAt', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function linkUser(exec: Executor, id: string, userId: string): Promise<void> {
  await exec.updateTable('invitations').set({ userId }).where('id', '=', id).execute();
}
