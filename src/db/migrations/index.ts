import type { Migration, MigrationProvider } from 'kysely';
import * as core from './0001_core.js';
import * as usersListIndexes from './0002_users_list_indexes.js';
import * as mailRecoveryInvitations from './0003_mail_recovery_invitations.js';
import * as throttleAndTokens from './0004_throttle_and_tokens.js';
import * as userSearchIndex from './0005_user_search_index.js';
import * as userCounts from './0006_user_counts.js';
import * as storageProbe from './0007_storage_probe.js';
import * as auditCheckpoints from './0008_audit_checkpoints.js';
import * as mfa from './0009_mfa.js';
import * as oidc from './0010_oidc.js';
import * as usersLifecycle from './0011_users_lifecycle.js';
import * as peopleList from './0013_people_list.js';

/** Migrations are compiled into the package (no directory scanning), in order. */
const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_users_list_indexes': usersListIndexes,
  '0003_mail_recovery_invitations': mailRecoveryInvitations,
  '0004_throttle_and_tokens': throttleAndTokens,
  '0005_user_search_index': userSearchIndex,
  '0006_user_counts': userCounts,
  '0007_storage_probe': storageProbe,
  '0008_audit_checkpoints': auditCheckpoints,
  '0009_mfa': mfa,
  '0010_oidc': oidc,
  '0011_users_lifecycle': usersLifecycle,
  '0013_people_list': peopleList,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
