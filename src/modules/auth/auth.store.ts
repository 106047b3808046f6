import type { Executor } from '../../db/db.js';

export async function insertSetupToken(exec: Executor, tokenHash: string, at: number): Promise<void> {
  await exec.insertInto('setupTokens').values({ tokenHash, createdAt: at }).execute();
}

export async function setupTokenExists(exec: Executor, tokenHash: string): Promise<boolean> {
  const row = await exec
    .selectFrom('setupTokens')
    .select('tokenHash')
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes every setup token; the row locks make a concurrent second setup find nothing to delete. */
export async function consumeAllSetupTokens(exec: Executor): Promise<number> {
  const result = await exec.deleteFrom('setupTokens').executeTakeFirst();
  return Number(result.numDeletedRows);
}
