import { inTx, type Ctx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { eraseMailTo } from '../mail/index.js';
import { endAllSessions } from '../sessions/index.js';
import { clearAccountThrottle } from '../throttle/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import { assertAnotherActiveAdmin, requireUser } from './users.shared.js';
import * as lifecycle from './lifecycle.store.js';
import type { PersonalDataEraser } from './personal-data.js';
import { userErrors } from './users.errors.js';

export interface DeleteUserDeps extends Ctx<{ organizationName: string }> {
  /** The invitations module's side of the port (build-app and the CLI wire it). */
  personalData?: PersonalDataEraser | undefined;
}

/** What the audit log calls a deleted user from now on: a reference to the tombstone, nothing personal. */
export const tombstoneLabel = (id: string) => `deleted-user:${id}`;

/**
 * Deletes a user for good (issue 14): the row goes, and with it (by foreign key or here) their
 * sessions, API tokens, reset and email links, lockout counters, the mail addressed to them and the
 * invitations to or from them (the latter keep working under the organization's name). What stays is
 * a tombstone (id, when, by whom) that the audit events, which are append-only and hash-chained
 * (SEC-AUD-02), keep pointing at; the deletion event itself names only the tombstone. The last active
 * admin cannot be deleted (SEC-AZ-04), nor can an admin delete themselves.
 */
export async function deleteUser(
  deps: DeleteUserDeps,
  actor: ActorContext,
  id: string,
): Promise<{ id: string; deletedAt: string }> {
  if (actor.actorId === id) throw userErrors.cannot_delete_self();
  return deps.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    if (user.role === 'admin' && user.status === 'active') await assertAnotherActiveAdmin(trx, id);
    const now = await dbNow(trx, deps.clock);
    const sessionsEnded = await endAllSessions(trx, id);
    const tokensRevoked = await revokeAllTokens(trx, id);
    await clearAccountThrottle(trx, user.email);
    for (const address of [user.email, ...(await lifecycle.emailTokenAddressesOf(trx, id))]) {
      await eraseMailTo(trx, address);
    }
    await deps.personalData?.erase(inTx(deps, trx), user);
    await lifecycle.deleteEmailTokensOf(trx, id);
    await lifecycle.deleteUserRow(trx, id);
    await lifecycle.insertTombstone(trx, { id, deletedAt: now, deletedBy: actor.actorId });
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.deleted',
      target: { id, label: tombstoneLabel(id) },
      details: { role: user.role, status: user.status, sessionsEnded, tokensRevoked },
    });
    return { id, deletedAt: new Date(now).toISOString() };
  });
}
