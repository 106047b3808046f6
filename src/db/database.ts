import type { UsersTable } from '../modules/users/users.table.js';
import type { SessionsTable } from '../modules/sessions/sessions.table.js';
import type { AuditEventsTable } from '../modules/audit/audit.table.js';
import type { SetupTokensTable } from '../modules/auth/auth.table.js';

/** The whole schema, assembled from each module's table file. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  auditEvents: AuditEventsTable;
  setupTokens: SetupTokensTable;
}
