import { inTx, type Ctx } from '../../db/context.js';
import type { Executor } from '../../db/db.js';
import { isUniqueViolation } from '../../db/errors.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf, type MailConfig } from '../mail/index.js';
import { clearAccountThrottle } from '../throttle/index.js';
import { requireUser, target } from './users.shared.js';
import * as lifecycle from './lifecycle.store.js';
import { presentUser, type User } from './users.presenter.js';
import { userErrors } from './users.errors.js';
import * as store from './users.store.js';

export type ChangeEmailDeps = Ctx<MailConfig>;

/** An email confirmation link lives 24 h, like an admin-sent reset link (SEC-RST-03). */
export const EMAIL_LINK_MS = 24 * 3_600_000;

const normalize = (email: string) => email.trim().toLowerCase();

async function assertAddressFree(exec: Executor, email: string): Promise<void> {
  if (await store.findByEmail(exec, email)) throw userErrors.email_taken();
}

/** Issues a link proving `newEmail` (replacing older ones of the user) and mails it there. */
async function mailEmailLink(
  trx: Executor,
  deps: ChangeEmailDeps,
  user: store.UserRow,
  input: { newEmail: string; purpose: 'change' | 'verify'; now: number },
): Promise<number> {
  const secret = randomSecret();
  const expiresAt = input.now + EMAIL_LINK_MS;
  await lifecycle.deleteEmailTokensOf(trx, user.id);
  await lifecycle.insertEmailToken(trx, {
    tokenHash: sha256Hex(secret),
    userId: user.id,
    newEmail: input.newEmail,
    purpose: input.purpose,
    createdAt: input.now,
    expiresAt,
  });
  await enqueue(inTx(deps, trx), {
    to: input.newEmail,
    template: input.purpose === 'change' ? 'email_change_confirm' : 'email_verify',
    locale: user.locale,
    recipientName: user.name,
    vars: {
      link: `${deps.config.publicUrl}/confirm-email?token=${secret}`,
      hours: String(EMAIL_LINK_MS / 3_600_000),
      newEmail: input.newEmail,
      oldEmail: user.email,
    },
  });
  return expiresAt;
}

async function setEmail(
  trx: Executor,
  user: store.UserRow,
  email: string,
  verifiedAt: number | null,
  now: number,
) {
  try {
    await store.update(trx, user.id, {
      email,
      search: `${email} ${user.name}`.toLowerCase(),
      emailVerifiedAt: verifiedAt,
      updatedAt: now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw userErrors.email_taken();
    throw error;
  }
  // A lockout is counted per address: the old address's counters no longer name this account.
  await clearAccountThrottle(trx, user.email);
}

/**
 * An admin changes a user's email (issue 14): it changes at once — sign-in and mail use the new
 * address from now — but it is unverified until the user uses the link mailed to it; the old address
 * is told. Sessions stay: the person did not change.
 */
export async function adminChangeEmail(
  deps: ChangeEmailDeps,
  actor: ActorContext,
  id: string,
  newEmailInput: string,
): Promise<User> {
  const newEmail = normalize(newEmailInput);
  return deps.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    if (user.email === newEmail) throw userErrors.email_unchanged();
    await assertAddressFree(trx, newEmail);
    const now = await dbNow(trx, deps.clock);
    await setEmail(trx, user, newEmail, null, now);
    await mailEmailLink(trx, deps, user, { newEmail, purpose: 'verify', now });
    await enqueue(inTx(deps, trx), {
      ...recipientOf(user),
      template: 'email_changed',
      vars: { oldEmail: user.email, newEmail, byAdmin: 'yes' },
    });
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.email_changed',
      target: target(user),
      details: { from: user.email, to: newEmail, verified: false },
    });
    return presentUser({ ...user, email: newEmail, emailVerifiedAt: null, updatedAt: now });
  });
}

/**
 * A user asks to change their own email (My account): nothing changes yet. A link goes to the new
 * address (proving it reaches them) and a notice to the current one (so a stolen session cannot
 * quietly take the account's mail); the address changes when the link is used.
 */
export async function requestOwnEmailChange(
  deps: ChangeEmailDeps,
  actor: ActorContext,
  userId: string,
  newEmailInput: string,
): Promise<{ pendingEmail: string; expiresAt: string }> {
  const newEmail = normalize(newEmailInput);
  return deps.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, userId);
    if (user.email === newEmail) throw userErrors.email_unchanged();
    await assertAddressFree(trx, newEmail);
    const now = await dbNow(trx, deps.clock);
    const expiresAt = await mailEmailLink(trx, deps, user, { newEmail, purpose: 'change', now });
    await enqueue(inTx(deps, trx), {
      ...recipientOf(user),
      template: 'email_changed',
      vars: { oldEmail: user.email, newEmail, byAdmin: '' },
    });
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.email_change_requested',
      target: target(user),
      details: { to: newEmail },
    });
    return { pendingEmail: newEmail, expiresAt: new Date(expiresAt).toISOString() };
  });
}

/** The pending self-service change of a user, if any (My account shows it). */
export async function pendingOwnEmailChange(
  deps: Pick<ChangeEmailDeps, 'db' | 'clock'>,
  userId: string,
): Promise<{ pendingEmail: string; expiresAt: string } | null> {
  const pending = await lifecycle.pendingEmailChange(deps.db, userId, await dbNow(deps.db, deps.clock));
  return pending
    ? { pendingEmail: pending.newEmail, expiresAt: new Date(pending.expiresAt).toISOString() }
    : null;
}

/**
 * Uses an email link (public: the person may be signed out, or signed in elsewhere). Single use under
 * concurrency (the row is taken in one statement); an expired, used or unknown link, or one whose
 * address no longer applies, is one answer: 400 invalid_email_link. A change link sets the new address;
 * either kind marks it verified.
 */
export async function confirmEmail(
  deps: ChangeEmailDeps,
  actor: ActorContext,
  token: string,
): Promise<{ email: string }> {
  return deps.db.transaction().execute(async (trx) => {
    const link = await lifecycle.takeEmailToken(trx, sha256Hex(token));
    const now = await dbNow(trx, deps.clock);
    if (!link || link.expiresAt <= now) throw userErrors.invalid_email_link();
    const user = await store.findById(trx, link.userId);
    if (!user || user.status !== 'active') throw userErrors.invalid_email_link();
    if (link.purpose === 'change') {
      await assertAddressFree(trx, link.newEmail);
      await setEmail(trx, user, link.newEmail, now, now);
    } else {
      // An admin changed the address again since this link was sent: it proves nothing now.
      if (user.email !== link.newEmail) throw userErrors.invalid_email_link();
      await store.update(trx, user.id, { emailVerifiedAt: now, updatedAt: now });
    }
    await recordAuditEvent(
      trx,
      deps.clock,
      { ...actor, actorId: user.id, actorLabel: user.email },
      {
        action: link.purpose === 'change' ? 'user.email_changed' : 'user.email_verified',
        target: target(user),
        details:
          link.purpose === 'change'
            ? { from: user.email, to: link.newEmail, verified: true }
            : { email: user.email },
      },
    );
    return { email: link.newEmail };
  });
}
