import { sql, type Kysely } from 'kysely';

/*
 * Manage users lists users and pending invitations in one keyset order (src/modules/people). Each
 * side is read in order from an index on (filter, sort key, id): the users' exist (0001, 0002); these
 * give invitations theirs, led by status like the users' are led by role or status (SQLite plans
 * without statistics: an index that serves both the filter and the order is the one it picks, and no
 * page is sorted in full). The name sort's key is the invitation's name, else its email, lower-cased
 * (people.store.ts uses the same expression); the date sort needs the id after created_at to break
 * ties (a bulk import creates hundreds in one millisecond), which makes 0003's (status, created_at)
 * redundant. (status, expires_at) counts the invited (pending, not yet expired) from the index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index invitations_status_name_key_id on invitations (status, lower(coalesce(name, email)), id)`.execute(
    db,
  );
  await db.schema
    .createIndex('invitations_status_email')
    .on('invitations')
    .columns(['status', 'email'])
    .execute();
  await db.schema
    .createIndex('invitations_status_created_at_id')
    .on('invitations')
    .columns(['status', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('invitations_status_created').execute();
  // Sorted by last sign-in, invitations (never signed in) all share one value: their order is the id's.
  await db.schema.createIndex('invitations_status_id').on('invitations').columns(['status', 'id']).execute();
  await db.schema
    .createIndex('invitations_status_expires_at')
    .on('invitations')
    .columns(['status', 'expires_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
