import type { Kysely } from 'kysely';

/*
 * Two-step verification (issue 13). Factors (TOTP seeds sealed by the secret box, never in clear:
 * SEC-MFA-02; passkeys' public keys as they are), recovery codes (SHA-256 only: SEC-MFA-03), WebAuthn
 * challenges (single use, short-lived: SEC-MFA-04), the enrollment links of "Reset access" (SHA-256
 * only), and on each session its restriction and when its user last proved who they are (SEC-MFA-05/07).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mfa_factors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // pending until the first code confirms it; a pending factor never signs anyone in.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text')
    // The last accepted TOTP time step: a code is accepted once, on any node (SEC-MFA-01).
    .addColumn('last_step', 'bigint')
    .addColumn('credential_id', 'text', (c) => c.unique())
    .addColumn('public_key', 'text')
    .addColumn('sign_count', 'bigint')
    .addColumn('transports', 'text')
    .addColumn('backed_up', 'integer')
    .addColumn('aaguid', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('mfa_factors_user').on('mfa_factors').columns(['user_id', 'status']).execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('mfa_recovery_codes_user').on('mfa_recovery_codes').column('user_id').execute();

  await db.schema
    .createTable('mfa_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('session_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('challenge', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mfa_enrollment_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // 'factors': the user keeps the password and proves it with the link; 'all': the link sets a new one.
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  // null: a full session. 'mfa': the password is proved, the second step is not (403 mfa_required);
  // 'enroll': the role requires a factor the user has not set up (403 mfa_enrollment_required).
  await db.schema.alterTable('sessions').addColumn('restriction', 'text').execute();
  // The last time this session's user proved who they are (password or factor): step-up (SEC-MFA-07).
  await db.schema.alterTable('sessions').addColumn('authenticated_at', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
