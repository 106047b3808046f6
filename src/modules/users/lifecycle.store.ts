import type { Executor } from '../../db/db.js';
import type { EmailChangeTokensTable } from './lifecycle.table.js';

export async function insertEmailToken(exec: Executor, row: EmailChangeTokensTable): Promise<void> {
  await exec.insertInto('emailChangeTokens').values(row).execute();
}

/** A newer link replaces the older ones: one pending change or verification per user. */
export async function deleteEmailTokensOf(exec: Executor, userId: string): Promise<void> {
  await exec.deleteFrom('emailChangeTokens').where('userId', '=', userId).execute();
}

/**
 * Takes a link out of the table and returns it, in one statement: of concurrent uses exactly one
 * gets the row (SEC-RST-04). Expired links are taken too, and refused by the caller.
 */
export async function takeEmailToken(
  exec: Executor,
  tokenHash: string,
): Promise<EmailChangeTokensTable | undefined> {
  return exec
    .deleteFrom('emailChangeTokens')
    .where('tokenHash', '=', tokenHash)
    .returningAll()
    .executeTakeFirst();
}

export async function pendingEmailChange(
  exec: Executor,
  userId: string,
  now: number,
): Promise<{ newEmail: string; expiresAt: number } | undefined> {
  return exec
    .selectFrom('emailChangeTokens')
    .select(['newEmail', 'expiresAt'])
    .where('userId', '=', userId)
    .where('purpose', '=', 'change')
    .where('expiresAt', '>', now)
    .executeTakeFirst();
}

/** The addresses a user's pending links were mailed to (a change not yet confirmed). */
export async function emailTokenAddressesOf(exec: Executor, userId: string): Promise<string[]> {
  const rows = await exec
    .selectFrom('emailChangeTokens')
    .select('newEmail')
    .where('userId', '=', userId)
    .execute();
  return rows.map((r) => r.newEmail);
}

export async function insertTombstone(
  exec: Executor,
  row: { id: string; deletedAt: number; deletedBy: string | null },
): Promise<void> {
  await exec.insertInto('userTombstones').values(row).execute();
}

export async function deleteUserRow(exec: Executor, id: string): Promise<void> {
  await exec.deleteFrom('users').where('id', '=', id).execute();
}
