import { inTx } from '../../db/context.js';
import type { Executor } from '../../db/db.js';
import { isUniqueViolation } from '../../db/errors.js';
import { dbNow } from '../../db/time.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { newId, randomSecret, sha256Hex } from '../../shared/crypto.js';
import { isAppError } from '../../shared/errors.js';
import { recordAuditEvent, recordStandaloneEvent } from '../audit/index.js';
import { hitRateLimit } from '../throttle/index.js';
import * as users from '../users/index.js';
import { queueInvitationMail } from './invitation-mail.js';
import type { InvitationsCtx } from './invitations.context.js';
import { invitationErrors } from './invitations.errors.js';
import { present, type Invitation } from './invitations.presenter.js';
import * as store from './invitations.store.js';
import type { InvitationRow } from './invitations.store.js';
import { denied, refusal, type Inviter } from './inviter-rules.js';

export interface InvitationInput {
  email: string;
  role: users.Role;
  name?: string | undefined;
  /** Plain text from the inviter, only in the first mail (not stored, so a resend goes without it). */
  message?: string | undefined;
}

const target = (row: { id: string; email: string }) => ({ id: row.id, label: row.email });

/**
 * The invitation itself, inside the caller's transaction: 409 email_taken when the address already
 * has an account, 409 already_invited while an unexpired invitation waits; an expired pending one is
 * retired ('expired') and replaced. The 256-bit secret is only in the queued mail; the database
 * keeps its SHA-256 (SEC-RST-01/02). Audited with the change.
 */
export async function insertInvitation(
  trx: Executor,
  ctx: InvitationsCtx,
  actor: ActorContext,
  inviter: Inviter,
  input: InvitationInput,
): Promise<Invitation> {
  const email = users.normalizeEmail(input.email);
  const now = await dbNow(trx, ctx.clock);
  if (await users.findUserByEmail({ db: trx }, email)) throw invitationErrors.email_taken();
  const pending = await store.findPendingByEmail(trx, email);
  if (pending && pending.expiresAt > now) throw invitationErrors.already_invited();
  if (pending) await store.markExpired(trx, pending.id);
  const secret = randomSecret(32);
  const row: InvitationRow = {
    id: newId(),
    email,
    role: input.role,
    name: input.name?.trim() || null,
    inviterId: inviter.id,
    inviterName: inviter.name,
    tokenHash: sha256Hex(secret),
    status: 'pending',
    createdAt: now,
    expiresAt: now + ctx.settings.current().links.invitationMs,
    acceptedAt: null,
    revokedAt: null,
    userId: null,
  };
  await store.insert(trx, row);
  await queueInvitationMail(inTx(ctx, trx), row, secret, input.message);
  await recordAuditEvent(trx, ctx.clock, actor, {
    action: 'invitation.created',
    target: target(row),
    details: { invitationId: row.id, role: row.role },
  });
  return present(row, now);
}

/**
 * Invites one address, in one transaction with its audit event and mail. An inviter who is not an
 * admin (a member, when members may invite) sends at most RATE_LIMITS.invitationsPerInviter an hour
 * (429 with Retry-After), and learns nothing about who already has an account or an invitation: for
 * them those addresses get the same 201 as a sent invitation, and nothing is sent or stored.
 */
export async function createInvitation(
  ctx: InvitationsCtx,
  actor: ActorContext,
  inviter: Inviter,
  input: InvitationInput,
): Promise<Invitation> {
  const reason = refusal(ctx, inviter, input.role);
  if (reason) {
    // A member can repeat a refused invitation at will: counted per window, not one event each.
    if (ctx.auditRepeats) await ctx.auditRepeats.record(actor, denied(inviter, input.role), input.role);
    else await recordStandaloneEvent(ctx, actor, denied(inviter, input.role));
    throw commonErrors.forbidden(reason);
  }
  const discreet = inviter.role !== 'admin';
  if (discreet) {
    const now = await dbNow(ctx.db, ctx.clock);
    const hit = await hitRateLimit(ctx.db, 'invitationsPerInviter', inviter.id ?? 'cli', now);
    if (!hit.allowed) throw commonErrors.rate_limited().withRetryAfter(hit.retryAfterSeconds);
  }
  try {
    return await ctx.db.transaction().execute((trx) => insertInvitation(trx, ctx, actor, inviter, input));
  } catch (caught) {
    // Two invitations for one address at the same moment: the partial unique index lets one through.
    const error = isUniqueViolation(caught) ? invitationErrors.already_invited() : caught;
    if (discreet && isAppError(error) && (error.code === 'email_taken' || error.code === 'already_invited'))
      return looksSent(ctx, actor, inviter, input, error.code);
    throw error;
  }
}

/**
 * What a non-admin inviter sees for an address that already has an account or a pending invitation:
 * the answer a sent invitation gets (SEC-ENUM-02's reasoning: the answer must not tell who is a
 * user). Nothing is stored or mailed; the audit log keeps the truth.
 */
async function looksSent(
  ctx: InvitationsCtx,
  actor: ActorContext,
  inviter: Inviter,
  input: InvitationInput,
  reason: 'email_taken' | 'already_invited',
): Promise<Invitation> {
  const now = await dbNow(ctx.db, ctx.clock);
  const email = users.normalizeEmail(input.email);
  await recordStandaloneEvent(ctx, actor, {
    action: 'invitation.created',
    outcome: 'failure',
    target: { id: null, label: email },
    details: { role: input.role, reason },
  });
  return present(
    {
      id: newId(),
      email,
      role: input.role,
      name: input.name?.trim() || null,
      inviterId: inviter.id,
      inviterName: inviter.name,
      tokenHash: '',
      status: 'pending',
      createdAt: now,
      expiresAt: now + ctx.settings.current().links.invitationMs,
      acceptedAt: null,
      revokedAt: null,
      userId: null,
    },
    now,
  );
}
