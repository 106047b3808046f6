import type { Kysely } from 'kysely';

/*
 * Keyset paging reads every users-list page in order from an index on (filter?, sort column, id);
 * emails are unique, so for them the email alone is the key. 0001 had these only for the name sort:
 * a list filtered by role or status and sorted by email, creation or last sign-in was read through the
 * (role, status) index and then sorted in full at every page (SQLite, which runs without statistics,
 * chose USE TEMP B-TREE FOR ORDER BY over 60,000 rows of 100,000). The (role, status) index goes: the
 * role-led indexes serve the last-admin check as well, and while it exists SQLite prefers it whenever
 * both filters are set, and sorts again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_role_status').execute();
  for (const filter of ['role', 'status'] as const) {
    await db.schema.createIndex(`users_${filter}_email`).on('users').columns([filter, 'email']).execute();
    await db.schema
      .createIndex(`users_${filter}_created_at_id`)
      .on('users')
      .columns([filter, 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex(`users_${filter}_last_sign_in_at_id`)
      .on('users')
      .columns([filter, 'last_sign_in_at', 'id'])
      .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
