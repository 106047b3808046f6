import type { UserCountsTable, UsersTable } from '../modules/users/users.table.js';
import type { EmailChangeTokensTable, UserTombstonesTable } from '../modules/users/lifecycle.table.js';
import type { SessionsTable } from '../modules/sessions/sessions.table.js';
import type { AuditCheckpointsTable, AuditEventsTable } from '../modules/audit/audit.table.js';
import type { SetupTokensTable } from '../modules/auth/auth.table.js';
import type { MailOutboxTable } from '../modules/mail/mail.table.js';
import type { PasswordResetTokensTable } from '../modules/passwords/reset-tokens.table.js';
import type { InvitationsTable } from '../modules/invitations/invitations.table.js';
import type { SettingsTable } from '../modules/settings/settings.table.js';
import type { AccountThrottleTable, RateCountersTable } from '../modules/throttle/throttle.table.js';
import type { ApiTokensTable } from '../modules/tokens/tokens.table.js';
import type {
  MfaChallengesTable,
  MfaEnrollmentLinksTable,
  MfaFactorsTable,
  MfaRecoveryCodesTable,
} from '../modules/mfa/mfa.table.js';
import type {
  OidcAppsTable,
  OidcKeysTable,
  OidcLogoutOutboxTable,
  OidcPayloadsTable,
} from '../modules/oidc/oidc.table.js';
import type { StorageProbeTable } from './storage.table.js';

/** The whole schema, assembled from each module's table file. */
export interface Database {
  users: UsersTable;
  userCounts: UserCountsTable;
  sessions: SessionsTable;
  auditEvents: AuditEventsTable;
  auditCheckpoints: AuditCheckpointsTable;
  setupTokens: SetupTokensTable;
  mailOutbox: MailOutboxTable;
  passwordResetTokens: PasswordResetTokensTable;
  invitations: InvitationsTable;
  settings: SettingsTable;
  accountThrottle: AccountThrottleTable;
  rateCounters: RateCountersTable;
  apiTokens: ApiTokensTable;
  storageProbe: StorageProbeTable;
  mfaFactors: MfaFactorsTable;
  mfaRecoveryCodes: MfaRecoveryCodesTable;
  mfaChallenges: MfaChallengesTable;
  mfaEnrollmentLinks: MfaEnrollmentLinksTable;
  oidcPayloads: OidcPayloadsTable;
  oidcApps: OidcAppsTable;
  oidcKeys: OidcKeysTable;
  oidcLogoutOutbox: OidcLogoutOutboxTable;
  emailChangeTokens: EmailChangeTokensTable;
  userTombstones: UserTombstonesTable;
}
