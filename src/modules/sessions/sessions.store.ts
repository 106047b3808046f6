import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import type { SessionsTable } from './sessions.table.js';

export type SessionRow = Selectable<SessionsTable>;

export async function insertSession(exec: Executor, row: Insertable<SessionsTable>): Promise<void> {
  await exec.insertInto('sessions').values(row).execute();
}

export async function findByTokenHash(exec: Executor, tokenHash: string): Promise<SessionRow | undefined> {
  return exec.selectFrom('sessions').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
}

export async function touch(exec: Executor, id: string, at: number): Promise<void> {
  await exec.updateTable('sessions').set({ lastSeenAt: at }).where('id', '=', id).execute();
}

export async function setAuthenticatedAt(exec: Executor, id: string, at: number): Promise<void> {
  await exec.updateTable('sessions').set({ authenticatedAt: at }).where('id', '=', id).execute();
}

export async function setRestriction(
  exec: Executor,
  id: string,
  restriction: SessionsTable['restriction'],
): Promise<void> {
  await exec.updateTable('sessions').set({ restriction }).where('id', '=', id).execute();
}

/**
 * Replaces a session row by another (new id, new secret's hash, new times) in one statement, if the
 * old one still exists and is the user's: the old cookie finds nothing from then on.
 */
export async function replaceSession(
  exec: Executor,
  oldId: string,
  row: Insertable<SessionsTable>,
): Promise<boolean> {
  const result = await exec
    .updateTable('sessions')
    .set(row)
    .where('id', '=', oldId)
    .where('userId', '=', row.userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteById(exec: Executor, id: string): Promise<void> {
  await exec.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteForUser(exec: Executor, userId: string, keepId?: string): Promise<number> {
  let q = exec.deleteFrom('sessions').where('userId', '=', userId);
  if (keepId) q = q.where('id', '!=', keepId);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteOneForUser(exec: Executor, userId: string, id: string): Promise<boolean> {
  const result = await exec
    .deleteFrom('sessions')
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listForUser(
  exec: Executor,
  userId: string,
  liveAfter: number,
  now: number,
): Promise<SessionRow[]> {
  return exec
    .selectFrom('sessions')
    .selectAll()
    .where('userId', '=', userId)
    .where('lastSeenAt', '>', liveAfter)
    .where('expiresAt', '>', now)
    .orderBy('lastSeenAt', 'desc')
    .execute();
}

export async function deleteExpired(exec: Executor, idleBefore: number, now: number): Promise<number> {
  const result = await exec
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('lastSeenAt', '<=', idleBefore), eb('expiresAt', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
