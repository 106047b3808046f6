import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/*
 * One row per server process, written only while the database's storage is full: /readyz tries this
 * small write to learn when space is back (src/db/storage.ts). Reads alone cannot tell: a full disk
 * still serves them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('storage_probe')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('probed_at', 'bigint', (c) => c.notNull())
    .addColumn('padding', isPostgres(db) ? 'bytea' : 'blob')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('storage_probe').execute();
}
