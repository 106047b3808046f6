import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import type { ApiTokensTable } from './tokens.table.js';

export type TokenRow = Selectable<ApiTokensTable>;

export async function insertToken(exec: Executor, row: Insertable<ApiTokensTable>): Promise<void> {
  await exec.insertInto('apiTokens').values(row).execute();
}

export async function listForUser(exec: Executor, userId: string): Promise<TokenRow[]> {
  return exec
    .selectFrom('apiTokens')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .execute();
}

export async function deleteOne(exec: Executor, userId: string, id: string): Promise<TokenRow | undefined> {
  return exec
    .deleteFrom('apiTokens')
    .where('userId', '=', userId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteForUser(exec: Executor, userId: string): Promise<number> {
  const result = await exec.deleteFrom('apiTokens').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function touch(exec: Executor, id: string, at: number): Promise<void> {
  await exec.updateTable('apiTokens').set({ lastUsedAt: at }).where('id', '=', id).execute();
}
