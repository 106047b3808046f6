import { sql, type Kysely } from 'kysely';

/*
 * Manage users lists users and pending invitations in one keyset order (src/modules/people). Each
 * side is read in order from an index: the users' exist (0001, 0002); these give pending invitations
 * theirs. The name sort's key is the invitation's name, else its email, lower-cased (people.store.ts
 * uses the same expression); the date sort needs the id after created_at to break ties (a bulk
 * import creates hundreds in one millisecond). Emails of pending invitations are unique already
 * (invitations_pending_email).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index invitations_pending_name_key_id on invitations (lower(coalesce(name, email)), id) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('invitations_pending_created_at_id')
    .on('invitations')
    .columns(['created_at', 'id'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
