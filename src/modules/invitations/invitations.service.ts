import { dbNow } from '../../db/time.js';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/db.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Clock } from '../../shared/clock.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { newId, randomSecret, sha256Hex } from '../../shared/crypto.js';
import { isAppError } from '../../shared/errors.js';
import { recordAuditEvent, recordStandaloneEvent, type RepeatedEvents } from '../audit/index.js';
import { enqueueMail } from '../mail/index.js';
import { hashCallerOf } from '../passwords/index.js';
import { startSession } from '../sessions/index.js';
import { hitRateLimit } from '../throttle/index.js';
import * as users from '../users/index.js';
import { invitationErrors } from './invitations.errors.js';
import * as store from './invitations.store.js';
import type { InvitationRow, ListedStatus } from './invitations.store.js';

/** An invitation link lives 72 hours (SEC-RST-03). */
export const INVITATION_LIFETIME_MS = 72 * 3_600_000;

export interface InvitationsDeps {
  db: Db;
  clock: Clock;
  hasher: users.UsersDeps['hasher'];
  config: users.UsersDeps['config'] & {
    /** Organization setting, read live: members may invite (never as admin). */
    membersMayInvite: boolean;
    session: { idleMs: number; absoluteMs: number };
  };
  /** Where refusals go: counted per window (the server), or one event each (the CLI). */
  auditRepeats?: Pick<RepeatedEvents, 'record'>;
}

/** Who sends an invitation: a signed-in user, or the CLI (acting as an admin, under the organization's name). */
export interface Inviter {
  id: string | null;
  name: string;
  role: users.Role;
}

export interface InvitationInput {
  email: string;
  role: users.Role;
  name?: string | undefined;
  /** Plain text from the inviter, only in the first mail (not stored, so a resend goes without it). */
  message?: string | undefined;
}

/** What the outside sees of an invitation: never the token or its hash (SEC-AZ-05). */
export interface Invitation {
  id: string;
  email: string;
  role: users.Role;
  name: string | null;
  status: ListedStatus;
  inviter: { id: string | null; name: string };
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  userId: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const target = (row: { id: string; email: string }) => ({ id: row.id, label: row.email });

/** A stored 'pending' past its expiry is shown as expired; nothing needs to rewrite it. */
function statusAt(row: InvitationRow, now: number): ListedStatus {
  return row.status === 'pending' && row.expiresAt <= now ? 'expired' : row.status;
}

function present(row: InvitationRow, now: number): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    name: row.name,
    status: statusAt(row, now),
    inviter: { id: row.inviterId, name: row.inviterName },
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    acceptedAt: iso(row.acceptedAt),
    revokedAt: iso(row.revokedAt),
    userId: row.userId,
  };
}

function linkFor(deps: InvitationsDeps, secret: string): string {
  // Built from PUBLIC_URL only, never from the request's Host (SEC-RST-07).
  return `${deps.config.publicUrl}/invitations/accept?token=${secret}`;
}

async function queueInvitationMail(
  exec: Executor,
  deps: InvitationsDeps,
  row: InvitationRow,
  secret: string,
  message?: string,
) {
  await enqueueMail(exec, deps, {
    to: row.email,
    template: 'invitation',
    locale: null,
    recipientName: row.name ?? undefined,
    vars: {
      link: linkFor(deps, secret),
      inviter: row.inviterName,
      role: row.role,
      hours: String(INVITATION_LIFETIME_MS / 3_600_000),
      ...(message ? { message } : {}),
    },
  });
}

/** Admins may always invite; members only while the organization allows it, and never as admin; viewers never. */
function refusal(
  deps: { config: { membersMayInvite: boolean } },
  inviter: { role: users.Role },
  role: users.Role,
): string | null {
  if (inviter.role === 'viewer') return 'Viewers cannot invite people.';
  if (inviter.role === 'member' && !deps.config.membersMayInvite)
    return 'Only admins can invite people in this organization.';
  if (inviter.role === 'member' && role === 'admin') return 'Members cannot invite admins.';
  return null;
}

/** A refusal is an audited authorization failure (SEC-AUD-01). */
const denied = (inviter: Inviter, role: users.Role) => ({
  action: 'authorization.denied',
  outcome: 'denied' as const,
  details: { action: 'invitation.create', inviterRole: inviter.role, role },
});

/**
 * The invitation itself, inside the caller's transaction: 409 email_taken when the address already
 * has an account, 409 already_invited while an unexpired invitation waits; an expired pending one is
 * retired ('expired') and replaced. The 256-bit secret is only in the queued mail; the database
 * keeps its SHA-256 (SEC-RST-01/02). Audited with the change.
 */
async function insertInvitation(
  trx: Executor,
  deps: InvitationsDeps,
  actor: ActorContext,
  inviter: Inviter,
  input: InvitationInput,
): Promise<Invitation> {
  const email = users.normalizeEmail(input.email);
  const now = await dbNow(trx, deps.clock);
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
    expiresAt: now + INVITATION_LIFETIME_MS,
    acceptedAt: null,
    revokedAt: null,
    userId: null,
  };
  await store.insert(trx, row);
  await queueInvitationMail(trx, deps, row, secret, input.message);
  await recordAuditEvent(trx, deps.clock, actor, {
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
  deps: InvitationsDeps,
  actor: ActorContext,
  inviter: Inviter,
  input: InvitationInput,
): Promise<Invitation> {
  const reason = refusal(deps, inviter, input.role);
  if (reason) {
    // A member can repeat a refused invitation at will: counted per window, not one event each.
    if (deps.auditRepeats) await deps.auditRepeats.record(actor, denied(inviter, input.role), input.role);
    else await recordStandaloneEvent(deps, actor, denied(inviter, input.role));
    throw commonErrors.forbidden(reason);
  }
  const discreet = inviter.role !== 'admin';
  if (discreet) {
    const now = await dbNow(deps.db, deps.clock);
    const hit = await hitRateLimit(deps.db, 'invitationsPerInviter', inviter.id ?? 'cli', now);
    if (!hit.allowed) throw commonErrors.rate_limited().withRetryAfter(hit.retryAfterSeconds);
  }
  try {
    return await deps.db.transaction().execute((trx) => insertInvitation(trx, deps, actor, inviter, input));
  } catch (caught) {
    // Two invitations for one address at the same moment: the partial unique index lets one through.
    const error = isUniqueViolation(caught) ? invitationErrors.already_invited() : caught;
    if (discreet && isAppError(error) && (error.code === 'email_taken' || error.code === 'already_invited'))
      return looksSent(deps, actor, inviter, input, error.code);
    throw error;
  }
}

/**
 * What a non-admin inviter sees for an address that already has an account or a pending invitation:
 * the answer a sent invitation gets (SEC-ENUM-02's reasoning: the answer must not tell who is a
 * user). Nothing is stored or mailed; the audit log keeps the truth.
 */
async function looksSent(
  deps: InvitationsDeps,
  actor: ActorContext,
  inviter: Inviter,
  input: InvitationInput,
  reason: 'email_taken' | 'already_invited',
): Promise<Invitation> {
  const now = await dbNow(deps.db, deps.clock);
  const email = users.normalizeEmail(input.email);
  await recordStandaloneEvent(deps, actor, {
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
      expiresAt: now + INVITATION_LIFETIME_MS,
      acceptedAt: null,
      revokedAt: null,
      userId: null,
    },
    now,
  );
}

/** One row of a bulk invitation: already validated, or refused by validation with its reason. */
export type BulkRow =
  { ok: true; input: InvitationInput } | { ok: false; email: string | null; code: string; message: string };

export interface BulkResult {
  index: number;
  email: string | null;
  status: 'created' | 'error';
  code?: string;
  message?: string;
  invitation?: Invitation;
}

/** Rows per transaction: one commit (one fsync) per batch instead of per row. */
const BULK_BATCH = 100;

/**
 * Many invitations, each on its own: every row runs in a savepoint, so a refused row rolls back
 * alone and never stops the others, while a batch of rows shares one commit. Refusals by the
 * service become that row's code and message.
 */
export async function createInvitations(
  deps: InvitationsDeps,
  actor: ActorContext,
  inviter: Inviter,
  rows: BulkRow[],
  onProgress?: (done: number, total: number) => void,
): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (let from = 0; from < rows.length; from += BULK_BATCH) {
    const batch: BulkResult[] = [];
    await deps.db.transaction().execute(async (trx) => {
      for (let index = from; index < Math.min(from + BULK_BATCH, rows.length); index += 1) {
        batch.push(await bulkRow(trx, deps, actor, inviter, rows[index] as BulkRow, index));
      }
    });
    for (const result of batch) {
      results.push(result);
      onProgress?.(results.length, rows.length);
    }
  }
  return results;
}

async function bulkRow(
  trx: Executor,
  deps: InvitationsDeps,
  actor: ActorContext,
  inviter: Inviter,
  row: BulkRow,
  index: number,
): Promise<BulkResult> {
  if (!row.ok) return { index, email: row.email, status: 'error', code: row.code, message: row.message };
  const email = users.normalizeEmail(row.input.email);
  const reason = refusal(deps, inviter, row.input.role);
  if (reason) {
    await recordAuditEvent(trx, deps.clock, actor, denied(inviter, row.input.role));
    const error = commonErrors.forbidden(reason);
    return { index, email, status: 'error', code: error.code, message: error.message };
  }
  await sql`savepoint invitation_row`.execute(trx);
  try {
    const invitation = await insertInvitation(trx, deps, actor, inviter, row.input);
    await sql`release savepoint invitation_row`.execute(trx);
    return { index, email, status: 'created', invitation };
  } catch (caught) {
    await sql`rollback to savepoint invitation_row`.execute(trx);
    const error = isUniqueViolation(caught) ? invitationErrors.already_invited() : caught;
    if (!isAppError(error) || error.status >= 500) throw error;
    return { index, email, status: 'error', code: error.code, message: error.message };
  }
}

export interface ListInvitationsInput {
  status?: ListedStatus | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

function encodeCursor(row: InvitationRow): string {
  return Buffer.from(JSON.stringify({ c: row.createdAt, i: row.id }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw commonErrors.invalid_cursor();
  }
  const d = data as { c?: unknown; i?: unknown } | null;
  // A forged value must not reach the SQL with the wrong type (PostgreSQL would answer 500).
  if (
    !d ||
    !Number.isSafeInteger(d.c) ||
    typeof d.i !== 'string' ||
    d.i.length > 64 ||
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f]/.test(d.i)
  )
    throw commonErrors.invalid_cursor();
  return { createdAt: d.c as number, id: d.i };
}

export async function listInvitations(
  deps: Pick<InvitationsDeps, 'db' | 'clock'>,
  input: ListInvitationsInput,
): Promise<{ items: Invitation[]; nextCursor: string | null; total: number }> {
  const now = await dbNow(deps.db, deps.clock);
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const filter = { status: input.status, search: input.q?.trim().toLowerCase() || undefined, now };
  const [rows, total] = await Promise.all([
    store.findPage(deps.db, { ...filter, after, limit: input.limit + 1 }),
    store.count(deps.db, filter),
  ]);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => present(r, now)),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
    total,
  };
}

/** A new secret and a new 72 h expiry, mailed again; the previous link stops working. Audited in the caller's transaction. */
async function reissue(
  exec: Executor,
  deps: InvitationsDeps,
  actor: ActorContext,
  row: InvitationRow,
): Promise<InvitationRow | null> {
  const now = await dbNow(exec, deps.clock);
  const secret = randomSecret(32);
  const updated = { ...row, tokenHash: sha256Hex(secret), expiresAt: now + INVITATION_LIFETIME_MS };
  if (!(await store.rotateToken(exec, row.id, updated.tokenHash, updated.expiresAt))) return null;
  await queueInvitationMail(exec, deps, updated, secret);
  await recordAuditEvent(exec, deps.clock, actor, {
    action: 'invitation.resent',
    target: target(row),
    details: { invitationId: row.id, via: 'resend' },
  });
  return updated;
}

export async function resendInvitation(
  deps: InvitationsDeps,
  actor: ActorContext,
  id: string,
): Promise<Invitation> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.findById(trx, id);
    if (!row) throw invitationErrors.invitation_not_found();
    if (row.status !== 'pending') throw invitationErrors.invitation_not_pending();
    // Someone made an account for this address meanwhile: the invitation could never be accepted.
    if (await users.findUserByEmail({ db: trx }, row.email)) throw invitationErrors.email_taken();
    const updated = await reissue(trx, deps, actor, row);
    if (!updated) throw invitationErrors.invitation_not_pending();
    return present(updated, await dbNow(trx, deps.clock));
  });
}

export async function revokeInvitation(
  deps: InvitationsDeps,
  actor: ActorContext,
  id: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await store.findById(trx, id);
    if (!row) throw invitationErrors.invitation_not_found();
    if (!(await store.revoke(trx, id, await dbNow(trx, deps.clock))))
      throw invitationErrors.invitation_not_pending();
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'invitation.revoked',
      target: target(row),
      details: { invitationId: row.id },
    });
  });
}

/**
 * Deactivating or demoting someone takes back the pending invitations that their new standing could
 * not make (SEC-AZ-01): all of them for a deactivated user, those to roles the new role may not invite
 * to otherwise. Each is revoked like an admin's revoke, audited with the reason, in the caller's
 * transaction (the users module calls this through its InvitationsOfInviter hook).
 */
export async function revokeInvitationsOf(
  exec: Executor,
  deps: { clock: Clock; config: { membersMayInvite: boolean } },
  actor: ActorContext,
  inviter: { id: string; role: users.Role; status: users.UserStatus },
): Promise<number> {
  const now = await dbNow(exec, deps.clock);
  let revoked = 0;
  for (const row of await store.findPendingByInviter(exec, inviter.id)) {
    const deactivated = inviter.status !== 'active';
    if (!deactivated && !refusal(deps, inviter, row.role)) continue;
    if (!(await store.revoke(exec, row.id, now))) continue;
    revoked += 1;
    await recordAuditEvent(exec, deps.clock, actor, {
      action: 'invitation.revoked',
      target: target(row),
      details: {
        invitationId: row.id,
        reason: deactivated ? 'inviter_deactivated' : 'inviter_role_changed',
        inviterId: inviter.id,
      },
    });
  }
  return revoked;
}

/** Token lengths above this are never ours; refusing them early keeps hashing cheap. */
const MAX_TOKEN_LENGTH = 128;

async function usableInvitation(
  deps: Pick<InvitationsDeps, 'db' | 'clock' | 'config'>,
  token: string,
): Promise<InvitationRow> {
  const row =
    token.length > 0 && token.length <= MAX_TOKEN_LENGTH
      ? await store.findUsableByTokenHash(deps.db, sha256Hex(token), await dbNow(deps.db, deps.clock))
      : undefined;
  // An address that became a user since cannot accept: the link is as dead as a used one.
  if (!row || (await users.findUserByEmail(deps, row.email))) throw invitationErrors.invalid_token();
  await assertInviterMayStillGrant(deps.db, deps, row);
  return row;
}

/**
 * An invitation carries its inviter's authority, so it is only as good as that authority is now
 * (SEC-AZ-01): a deactivated inviter, or one whose role (or the organization's settings) no longer
 * allows inviting to that role, makes the link unusable. The CLI's invitations (no inviter id)
 * stand for an admin. Deactivation and demotion also revoke such invitations (revokeInvitationsOf);
 * this check covers the rest, e.g. the setting turned off after members invited.
 */
async function assertInviterMayStillGrant(
  exec: Executor,
  deps: Pick<InvitationsDeps, 'config'>,
  row: InvitationRow,
): Promise<void> {
  if (row.inviterId === null) return;
  const inviter = await users.findCredentialsById(exec, row.inviterId);
  if (!inviter || inviter.status !== 'active' || refusal(deps, inviter.user, row.role))
    throw invitationErrors.inviter_not_allowed();
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
export async function lookupInvitation(deps: InvitationsDeps, token: string): Promise<InvitationPreview> {
  const row = await usableInvitation(deps, token);
  return {
    organization: deps.config.organizationName,
    email: row.email,
    role: row.role,
    inviter: row.inviterName,
    name: row.name,
    expiresAt: new Date(row.expiresAt).toISOString(),
    minPasswordLength: deps.config.password.minLength,
  };
}

/**
 * Accepts an invitation: the person chooses their name and password (the policy applies, with their
 * email and name as context), becomes an active user with the invited role and is signed in.
 * The token is consumed first inside the transaction (a conditional UPDATE that must change exactly
 * one row), so of concurrent redemptions exactly one succeeds (SEC-RST-04).
 */
export async function acceptInvitation(
  deps: InvitationsDeps,
  actor: ActorContext,
  input: { token: string; name: string; password: string },
): Promise<{ user: users.User; sessionSecret: string }> {
  const found = await usableInvitation(deps, input.token);
  const name = input.name.trim();
  users.choosePassword(deps, { password: input.password }, { email: found.email, name });
  const passwordHash = await deps.hasher.hash(input.password, hashCallerOf(actor));
  const tokenHash = sha256Hex(input.token);
  return deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    if (!(await store.consume(trx, tokenHash, now))) throw invitationErrors.invalid_token();
    const invitation = await store.findById(trx, found.id);
    if (!invitation || invitation.tokenHash !== tokenHash) throw invitationErrors.invalid_token();
    // Again inside the transaction: the inviter may have been deactivated since the check above.
    await assertInviterMayStillGrant(trx, deps, invitation);
    let user: users.User;
    try {
      user = await users.insertUser(
        trx,
        deps,
        { ...actor, actorLabel: invitation.email },
        {
          email: invitation.email,
          name,
          role: invitation.role,
          passwordHash,
          temporary: false,
        },
      );
    } catch (error) {
      // The address became a user between the check and now: the link is dead, like a used one.
      if (isAppError(error) && error.code === 'email_taken') throw invitationErrors.invalid_token();
      throw error;
    }
    await store.linkUser(trx, invitation.id, user.id);
    const session = await startSession(trx, deps, {
      userId: user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    await recordAuditEvent(
      trx,
      deps.clock,
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
