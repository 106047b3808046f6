import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/*
 * The OpenID Provider (issue 12): the provider's storage (one table for every model it persists,
 * so any node redeems a code another issued), the apps registry, the signing keys (private halves
 * sealed with SECRET_KEY) and the back-channel logout outbox.
 *
 * One trigger on audit_events ties the account events to the provider, in the transaction of the
 * change (SEC-OIDC-05): the audit event is the one record every such change already writes, so no
 * code path can end a session, deactivate, reset or demote a user without the apps hearing of it,
 * on whichever node, and nothing is lost if a node dies before sending. The trigger queues one
 * back-channel logout per app the user holds a grant with (apps with a logout URI), then deletes the
 * user's grants, codes and tokens there (for a role change: only at the apps the new role may not use).
 */
const LOGOUT_ACTIONS = [
  'auth.sign_out',
  'user.sessions_revoked',
  'user.deactivated',
  'user.password_reset_by_admin',
  'auth.password_reset_completed',
  'user.role_changed',
  // Deleting a user (issue 14) ends their app sessions like deactivating does.
  'user.deleted',
];
const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('account_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').column('uid').execute();
  await db.schema.createIndex('oidc_payloads_account').on('oidc_payloads').column('account_id').execute();
  await db.schema.createIndex('oidc_payloads_expiry').on('oidc_payloads').column('expires_at').execute();

  await db.schema
    .createTable('oidc_apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('allowed_roles', 'text', (c) => c.notNull())
    .addColumn('first_party', 'integer', (c) => c.notNull())
    .addColumn('id_token_alg', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('previous_secret_hash', 'text')
    .addColumn('previous_secret_expires_at', 'bigint')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oidc_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('sealed_private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('remove_at', 'bigint')
    .execute();

  await db.schema
    .createTable('oidc_logout_outbox')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('failed_at', 'bigint')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createIndex('oidc_logout_outbox_due')
    .on('oidc_logout_outbox')
    .columns(['sent_at', 'failed_at', 'next_attempt_at'])
    .execute();

  // The apps a user loses with this event: all of theirs, or for a role change those that do not
  // admit the (already updated) role.
  const losesApp = (event: string) => `(${event}.action <> 'user.role_changed' OR a.allowed_roles NOT LIKE
      '%,' || (SELECT role FROM users WHERE id = ${event}.target_id) || ',%')`;
  const body = (event: string) => `
      INSERT INTO oidc_logout_outbox (user_id, client_id, reason, created_at, attempts, next_attempt_at)
        SELECT DISTINCT p.account_id, p.client_id, ${event}.action, ${event}.at, 0, ${event}.at
        FROM oidc_payloads p JOIN oidc_apps a ON a.id = p.client_id
        WHERE ${event}.action IN (${list(LOGOUT_ACTIONS)}) AND p.model = 'Grant'
          AND p.account_id = ${event}.target_id AND a.backchannel_logout_uri IS NOT NULL
          AND ${losesApp(event)};
      DELETE FROM oidc_payloads WHERE ${event}.action IN (${list(LOGOUT_ACTIONS)})
        AND account_id = ${event}.target_id
        AND (model = 'Session' OR client_id IN (SELECT a.id FROM oidc_apps a WHERE ${losesApp(event)}));`;
  if (pg) {
    await sql
      .raw(
        `CREATE FUNCTION oidc_on_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN ${body('NEW')} RETURN NULL; END $$`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER oidc_on_audit_event AFTER INSERT ON audit_events FOR EACH ROW
        WHEN (NEW.action IN (${list(LOGOUT_ACTIONS)}))
        EXECUTE FUNCTION oidc_on_audit_event()`,
      )
      .execute(db);
  } else {
    await sql
      .raw(
        `CREATE TRIGGER oidc_on_audit_event AFTER INSERT ON audit_events
        WHEN NEW.action IN (${list(LOGOUT_ACTIONS)})
        BEGIN ${body('NEW')} END`,
      )
      .execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
