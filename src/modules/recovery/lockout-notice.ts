import type { TxCtx } from '../../db/context.js';
import type { Executor } from '../../db/db.js';
import { enqueue, recipientOf, type MailConfig } from '../mail/index.js';
import { hasOpenResetToken, issueResetToken } from '../passwords/index.js';
import { resetLink } from './links.js';

/**
 * The way back in that a sign-in lockout mails to an active account's owner, in the sign-in's
 * transaction (SEC-BF-03): the lockout's length and a reset link, so they are never locked out for
 * good. A new token would end the link the user already holds (SEC-RST-05): one they asked for,
 * one an admin sent, or the previous lockout's. Whoever keeps locking the account (anyone can) must
 * not be able to keep breaking the user's way back in, so that link stays and this notice points to
 * Forgot password instead.
 */
export async function queueLockoutNotice(
  tx: TxCtx<MailConfig>,
  user: { id: string; email: string; name: string; locale: string | null },
  lockout: { lockedUntil: number; now: number },
): Promise<void> {
  const { now } = lockout;
  const { selfResetMs } = tx.settings.current().links;
  const minutes = String(Math.round((lockout.lockedUntil - now) / 60_000));
  const link = (await hasOpenResetToken(tx.trx, user.id, now))
    ? { link: `${tx.config.publicUrl}/forgot-password`, earlierLink: 'open' as const }
    : { link: resetLink(tx.config, await issueSelfToken(tx.trx, user.id, now, selfResetMs)) };
  await enqueue(tx, {
    template: 'lockout',
    ...recipientOf(user),
    vars: { minutes, linkMinutes: String(selfResetMs / 60_000), ...link },
  });
}

async function issueSelfToken(
  trx: Executor,
  userId: string,
  now: number,
  lifetimeMs: number,
): Promise<string> {
  const issued = await issueResetToken(trx, { userId, purpose: 'self', now, lifetimeMs });
  return issued.token;
}
