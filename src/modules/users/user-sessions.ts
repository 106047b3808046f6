import type { SettingsReader } from '../../config/settings-in-force.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { endOwnSession, listSessions, type SessionInfo } from '../sessions/index.js';
import { requireUser, target } from './users.shared.js';
import { commonErrors } from '../../shared/common.errors.js';

export interface UserSessionsDeps {
  db: Db;
  clock: Clock;
  settings: SettingsReader;
}

/** A user's active sessions, for the admin's user page (SEC-SES-07). */
export async function listUserSessions(
  deps: UserSessionsDeps,
  id: string,
  /** The caller's own session, marked as the current one when an admin opens their own page. */
  currentSessionId: string | null,
): Promise<SessionInfo[]> {
  await requireUser(deps.db, id);
  return listSessions(deps, id, currentSessionId);
}

/** Ends one session of a user (SEC-SES-07); it is gone from the database, so every node refuses it next. */
export async function endUserSession(
  deps: UserSessionsDeps,
  actor: ActorContext,
  id: string,
  sessionId: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    if (!(await endOwnSession(trx, id, sessionId))) throw commonErrors.not_found('No such session.');
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.session_revoked',
      target: target(user),
      details: { sessionId },
    });
  });
}
