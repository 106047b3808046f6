import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { mfaErrors } from './mfa.errors.js';
import { presentFactor, type FactorView } from './mfa.service.js';
import * as store from './mfa.store.js';

/**
 * Renames one of the user's own factors, a passkey or an authenticator app (issue 13: "named"
 * passkeys). Audited as `mfa.factor_renamed`. Neither mailed nor behind a step-up: a name adds no way
 * into the account and takes none away, so a session holder learns and gains nothing by it that the
 * session does not already give (adding and removing a factor do ask, SEC-MFA-07). Only active
 * factors, the ones GET /api/v1/me/factors lists; anything else, another user's included, is 404.
 */
export async function renameFactor(
  deps: { db: Db; clock: Clock },
  actor: ActorContext & { actorId: string },
  factorId: string,
  name: string,
): Promise<FactorView> {
  const userId = actor.actorId;
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.findFactor(trx, userId, factorId);
    if (!row || row.status !== 'active') throw mfaErrors.factor_not_found();
    if (row.name === name) return presentFactor(row);
    await store.renameFactor(trx, row.id, name);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'mfa.factor_renamed',
      target: { id: userId, label: actor.actorLabel },
      details: { kind: row.kind, factorId: row.id, from: row.name, to: name },
    });
    return presentFactor({ ...row, name });
  });
}
