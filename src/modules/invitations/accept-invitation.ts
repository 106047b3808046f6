import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { sha256Hex } from '../../shared/crypto.js';
import { isAppError } from '../../shared/errors.js';
import { recordAuditEvent } from '../audit/index.js';
import { choosePassword, hashCallerOf } from '../passwords/index.js';
import { startSession } from '../sessions/index.js';
import * as users from '../users/index.js';
import type { InvitationsCtx } from './invitations.context.js';
import { invitationErrors } from './invitations.errors.js';
import * as store from './invitations.store.js';
import type { InvitationRow } from './invitations.store.js';
import { assertInviterMayStillGrant } from './inviter-rules.js';

/** Token lengths above this are never ours; refusing them early keeps hashing cheap. */
const MAX_TOKEN_LENGTH = 128;

async function usableInvitation(
  ctx: Pick<InvitationsCtx, 'db' | 'clock' | 'config' | 'settings'>,
  token: string,
): Promise<InvitationRow> {
  const row =
    token.length > 0 && token.length <= MAX_TOKEN_LENGTH
      ? await store.findUsableByTokenHash(ctx.db, sha256Hex(token), await dbNow(ctx.db, ctx.clock))
      : undefined;
  // An address that became a user since cannot accept: the link is as dead as a used one.
  if (!row || (await users.findUserByEmail(ctx, row.email))) throw invitationErrors.invalid_token();
  await assertInviterMayStillGrant(ctx.db, ctx, row);
  return row;
}

export interface InvitationPreview {
  organization: string;
  email: string;
  role: users.Role;
  inviter: string;
  name: string | null;
  expiresAt: string;
  minPasswordLength: number;
}

/** What the accept page shows, without consuming the token (SEC-RST-08). Every unusable link → invalid_token. */
export async function lookupInvitation(ctx: InvitationsCtx, token: string): Promise<InvitationPreview> {
  const row = await usableInvitation(ctx, token);
  const settings = ctx.settings.current();
  return {
    organization: settings.organizationName,
    email: row.email,
    role: row.role,
    inviter: row.inviterName,
    name: row.name,
    expiresAt: new Date(row.expiresAt).toISOString(),
    minPasswordLength: settings.password.minLength,
  };
}

/**
 * Accepts an invitation: the person chooses their name and password (the policy applies, with their
 * email and name as context), becomes an active user with the invited role and is signed in.
 * The token is consumed first inside the transaction (a conditional UPDATE that must change exactly
 * one row), so of concurrent redemptions exactly one succeeds (SEC-RST-04).
 */
export async function acceptInvitation(
  ctx: InvitationsCtx,
  actor: ActorContext,
  input: { token: string; name: string; password: string },
): Promise<{ user: users.User; sessionSecret: string }> {
  const found = await usableInvitation(ctx, input.token);
  const name = input.name.trim();
  choosePassword(ctx, { password: input.password }, { email: found.email, name });
  const passwordHash = await ctx.hasher.hash(input.password, hashCallerOf(actor));
  const tokenHash = sha256Hex(input.token);
  return ctx.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, ctx.clock);
    if (!(await store.consume(trx, tokenHash, now))) throw invitationErrors.invalid_token();
    const invitation = await store.findById(trx, found.id);
    if (!invitation || invitation.tokenHash !== tokenHash) throw invitationErrors.invalid_token();
    // Again inside the transaction: the inviter may have been deactivated since the check above.
    await assertInviterMayStillGrant(trx, ctx, invitation);
    let user: users.User;
    try {
      user = await users.insertUser(
        trx,
        ctx,
        { ...actor, actorLabel: invitation.email },
        {
          email: invitation.email,
          name,
          role: invitation.role,
          passwordHash,
          temporary: false,
          emailVerified: true,
        },
      );
    } catch (error) {
      // The address became a user between the check and now: the link is dead, like a used one.
      if (isAppError(error) && error.code === 'email_taken') throw invitationErrors.invalid_token();
      throw error;
    }
    await store.linkUser(trx, invitation.id, user.id);
    const session = await startSession(trx, ctx, {
      userId: user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    await recordAuditEvent(
      trx,
      ctx.clock,
      { ...actor, actorId: user.id, actorLabel: user.email },
      {
        action: 'invitation.accepted',
        target: { id: user.id, label: user.email },
        details: { invitationId: invitation.id, role: invitation.role, inviterId: invitation.inviterId },
      },
    );
    return { user, sessionSecret: session.secret };
  });
}
