import { sql } from 'kysely';
import type { Executor } from '../../db/db.js';

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Ids of users whose lower-cased "email name" contains `text` (served by the search index, migration 0005). */
export async function userIdsMatching(exec: Executor, text: string, limit: number): Promise<string[]> {
  const rows = await exec
    .selectFrom('users')
    .select('id')
    .where(sql<boolean>`search like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`)
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
