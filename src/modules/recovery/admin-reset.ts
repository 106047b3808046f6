import { inTx } from '../../db/context.js';
import type { Executor } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf } from '../mail/index.js';
import {
  choosePassword,
  hashCallerOf,
  invalidateResetTokens,
  type PasswordChoice,
} from '../passwords/index.js';
import { endAllSessions } from '../sessions/index.js';
import { clearAccountThrottle } from '../throttle/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import * as users from '../users/index.js';
import type { RecoveryCtx } from './recovery.context.js';

/** The user an admin acts on: not themselves (they change their own password), and existing. */
export async function subjectOf(exec: Executor, actor: ActorContext, id: string): Promise<users.Credentials> {
  if (actor.actorId === id) throw users.userErrors.use_change_password();
  const found = await users.findCredentialsById(exec, id);
  if (!found) throw users.userErrors.user_not_found();
  return found;
}

/**
 * The Reset password menu item (SEC-TMP-01..05): the new password is temporary, expires, passes the
 * policy; every session of the user ends; the user is notified; the event names admin and user.
 * A generated password is returned once and never stored or logged in clear.
 */
export async function adminResetPassword(
  ctx: RecoveryCtx,
  actor: ActorContext,
  id: string,
  choice: PasswordChoice,
): Promise<{ generatedPassword?: string }> {
  const { user } = await subjectOf(ctx.db, actor, id);
  const chosen = choosePassword(ctx, choice, user);
  const passwordHash = await ctx.hasher.hash(chosen.password, hashCallerOf(actor));
  await ctx.db.transaction().execute(async (trx) => {
    const current = (await subjectOf(trx, actor, id)).user;
    const now = await dbNow(trx, ctx.clock);
    await users.setTemporaryPassword(
      trx,
      id,
      passwordHash,
      now,
      now + ctx.settings.current().temporaryPasswordMs,
    );
    const ended = await endAllSessions(trx, id);
    const tokensRevoked = await revokeAllTokens(trx, id);
    await invalidateResetTokens(trx, id);
    await clearAccountThrottle(trx, current.email);
    await recordAuditEvent(trx, ctx.clock, actor, {
      action: 'user.password_reset_by_admin',
      target: { id: current.id, label: current.email },
      details: { generated: chosen.generated, sessionsEnded: ended, tokensRevoked },
    });
    await enqueue(inTx(ctx, trx), { template: 'admin_password_reset', ...recipientOf(current) });
  });
  return chosen.generated ? { generatedPassword: chosen.password } : {};
}
