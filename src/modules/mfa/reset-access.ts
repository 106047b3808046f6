import type { SettingsReader } from '../../config/settings-in-force.js';
import type { Db, Executor } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { newId, randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import { invalidateResetTokens } from '../passwords/index.js';
import { endAllSessions } from '../sessions/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import * as users from '../users/index.js';
import { mfaErrors } from './mfa.errors.js';
import { notify } from './mfa.service.js';
import * as store from './mfa.store.js';
import type { ResetScope } from './mfa.table.js';

/** The enrollment link of a reset works for a day, once, on any device (it is bound to no browser). */
export const ENROLLMENT_LINK_MS = 24 * 3_600_000;

export interface ResetAccessDeps {
  db: Db;
  clock: Clock;
  config: { publicUrl: string };
  settings: SettingsReader;
}

/**
 * "Reset access" (SEC-MFA-06): in one transaction, removes the user's factors and recovery codes
 * (and with scope all, the password), ends every session and API token, issues a single-use
 * enrollment link, audits it with the admin's reason and mails the user. The admin never sees or
 * chooses a factor secret; with `send: false` they get the link to hand over themselves.
 */
export async function resetAccess(
  deps: ResetAccessDeps,
  actor: ActorContext,
  userId: string,
  input: { scope: ResetScope; reason: string; send: boolean },
): Promise<{ expiresAt: string; sent: boolean; link?: string }> {
  return deps.db.transaction().execute(async (trx) => {
    const found = await users.findCredentialsById(trx, userId);
    if (!found) throw commonErrors.not_found();
    if (found.status !== 'active')
      throw commonErrors.conflict('The account is deactivated: activate it first.');
    const now = await dbNow(trx, deps.clock);
    const factorsRemoved = await store.deleteAllFactors(trx, userId);
    await store.deleteCodes(trx, userId);
    if (input.scope === 'all') {
      await users.removePassword(trx, userId, now);
      await invalidateResetTokens(trx, userId);
    }
    const sessionsEnded = await endAllSessions(trx, userId);
    const tokensRevoked = await revokeAllTokens(trx, userId);
    const token = randomSecret(32);
    const expiresAt = now + ENROLLMENT_LINK_MS;
    await store.insertEnrollmentLink(trx, {
      id: newId(),
      userId,
      tokenHash: sha256Hex(token),
      scope: input.scope,
      createdAt: now,
      expiresAt,
    });
    const link = `${deps.config.publicUrl}/enroll?token=${token}`;
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.access_reset',
      target: { id: userId, label: found.user.email },
      details: {
        scope: input.scope,
        reason: input.reason,
        sent: input.send,
        factorsRemoved,
        sessionsEnded,
        tokensRevoked,
      },
    });
    // The notice always goes (SEC-MFA-09); it carries the link only when the admin chose to send it.
    await notify(trx, deps, userId, {
      template: 'mfa_access_reset',
      vars: {
        scope: input.scope,
        reason: input.reason,
        hours: String(ENROLLMENT_LINK_MS / 3_600_000),
        ...(input.send ? { link } : {}),
      },
    });
    return {
      expiresAt: new Date(expiresAt).toISOString(),
      sent: input.send,
      ...(input.send ? {} : { link }),
    };
  });
}

/**
 * Consumes an enrollment link (a conditional UPDATE: single use under concurrency), in the caller's
 * transaction: the user and what the reset removed, or 400 invalid_enrollment_link.
 */
export async function redeemEnrollmentLink(
  trx: Executor,
  clock: Clock,
  token: string,
  peek = false,
): Promise<{ userId: string; scope: ResetScope; expiresAt: number }> {
  if (token.length === 0 || token.length > 128) throw mfaErrors.invalid_enrollment_link();
  const now = await dbNow(trx, clock);
  const row = await store.findEnrollmentLink(trx, sha256Hex(token), now);
  if (!row) throw mfaErrors.invalid_enrollment_link();
  if (!peek && !(await store.useEnrollmentLink(trx, row.id, now))) throw mfaErrors.invalid_enrollment_link();
  return { userId: row.userId, scope: row.scope, expiresAt: Number(row.expiresAt) };
}
