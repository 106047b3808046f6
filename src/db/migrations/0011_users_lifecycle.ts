import { sql, type Kysely } from 'kysely';

/**
 * Issue 14: a user's life from the console. `email_verified_at` (null: not proven) is set when a
 * mailed link to the address is used; users who accepted an invitation proved theirs that way.
 * `email_change_tokens` are the confirmation links of an email change (stored as SHA-256, like every
 * other link). `user_tombstones` remember a deleted user's id, when and by whom, and nothing personal:
 * the audit events that name the id keep a reference that says "deleted" instead of dangling.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();
  await sql`update users set email_verified_at = (
      select min(invitations.accepted_at) from invitations where invitations.user_id = users.id
    ) where exists (select 1 from invitations where invitations.user_id = users.id and invitations.accepted_at is not null)`.execute(
    db,
  );

  await db.schema
    .createTable('email_change_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('new_email', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_change_tokens_user')
    .on('email_change_tokens')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('user_tombstones')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('deleted_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_by', 'text')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
