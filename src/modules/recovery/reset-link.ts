import { inTx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf } from '../mail/index.js';
import {
  choosePassword,
  consumeResetToken,
  contextWords,
  hashCallerOf,
  invalidateResetTokens,
  peekResetToken,
} from '../passwords/index.js';
import { endAllSessions } from '../sessions/index.js';
import { clearAccountThrottle } from '../throttle/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import * as users from '../users/index.js';
import type { RecoveryCtx } from './recovery.context.js';
import { recoveryErrors } from './recovery.errors.js';

/** The active user a reset link (self, admin-sent or lockout) belongs to, or invalid_token. */
async function holderOf(ctx: Pick<RecoveryCtx, 'db' | 'clock'>, token: string): Promise<users.Credentials> {
  const peek = await peekResetToken(ctx.db, token, await dbNow(ctx.db, ctx.clock));
  const found = peek ? await users.findCredentialsById(ctx.db, peek.userId) : null;
  if (!found || found.status !== 'active') throw recoveryErrors.invalid_token();
  return found;
}

/** "a•••@example.com": enough for the holder to recognise the account, not to read it off a screen. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  return `${[...local][0] ?? ''}•••${at > 0 ? email.slice(at) : ''}`;
}

/**
 * Tells the console whether a link is still usable, without consuming it (SEC-RST-08), and whose
 * account it is: the name, the masked address and the words the policy refuses in this user's
 * password (SEC-PW-06), so the page can check them before submitting. Only a holder of the link
 * (256 bits, SEC-RST-01), sent to that address or handed over by an admin, learns them.
 */
export async function checkResetToken(
  ctx: Pick<RecoveryCtx, 'db' | 'clock' | 'config' | 'settings'>,
  token: string,
): Promise<{ name: string; maskedEmail: string; contextWords: string[] }> {
  const { user } = await holderOf(ctx, token);
  const settings = ctx.settings.current();
  return {
    name: user.name,
    maskedEmail: maskEmail(user.email),
    contextWords: contextWords({
      ...settings.password,
      email: user.email,
      name: user.name,
      organizationName: settings.organizationName,
    }),
  };
}

/**
 * Completes a reset (SEC-RST-04, -06, -09): the token is consumed inside the transaction before
 * anything changes, so of concurrent redemptions exactly one succeeds; the password becomes the
 * user's own (temporary state cleared), every session ends, the user is told, nobody is signed in.
 */
export async function completePasswordReset(
  ctx: RecoveryCtx,
  actor: ActorContext,
  input: { token: string; newPassword: string },
): Promise<void> {
  const found = await holderOf(ctx, input.token);
  choosePassword(ctx, { password: input.newPassword }, found.user);
  const passwordHash = await ctx.hasher.hash(input.newPassword, hashCallerOf(actor));
  await ctx.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, ctx.clock);
    const consumed = await consumeResetToken(trx, input.token, now);
    if (!consumed || consumed.userId !== found.user.id) throw recoveryErrors.invalid_token();
    await users.replaceOwnPassword(trx, found.user.id, passwordHash, now);
    // A self-service link (Forgot password, the lockout notice) went only to the user's address, so
    // using it proves the address; an admin's link may have been copied and handed over instead.
    if (consumed.purpose === 'self') await users.markEmailVerified(trx, found.user.id, now);
    await invalidateResetTokens(trx, found.user.id);
    // A completed reset also ends any lockout: an attacker can never lock the owner out (SEC-BF-03).
    await clearAccountThrottle(trx, found.user.email);
    const ended = await endAllSessions(trx, found.user.id);
    const tokensRevoked = await revokeAllTokens(trx, found.user.id);
    await recordAuditEvent(
      trx,
      ctx.clock,
      { ...actor, actorId: found.user.id, actorLabel: found.user.email },
      {
        action: 'auth.password_reset_completed',
        target: { id: found.user.id, label: found.user.email },
        details: { sessionsEnded: ended, tokensRevoked },
      },
    );
    await enqueue(inTx(ctx, trx), { template: 'password_reset_completed', ...recipientOf(found.user) });
  });
}
