import { sql } from 'kysely';
import type { Executor } from './db.js';

/**
 * Runs `step` in a savepoint of the caller's transaction: if it throws, only its own writes are
 * rolled back and the error is rethrown, so one failed item of a batch never undoes the others.
 * The name is fixed: savepoints are not nested here.
 */
export async function inSavepoint<T>(trx: Executor, step: () => Promise<T>): Promise<T> {
  await sql`savepoint gatehouse_step`.execute(trx);
  try {
    const result = await step();
    await sql`release savepoint gatehouse_step`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint gatehouse_step`.execute(trx);
    throw error;
  }
}
