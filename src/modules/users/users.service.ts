import { dbNow } from '../../db/time.js';
import type { Db, Executor } from '../../db/db.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { newId } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueueMail } from '../mail/index.js';
import {
  assertPasswordAcceptable,
  generatePassword,
  hashCallerOf,
  invalidateResetTokens,
  issueResetToken,
  type PasswordHasher,
} from '../passwords/index.js';
import { endAllSessions } from '../sessions/index.js';
import { clearAccountThrottle, lockedAccounts } from '../throttle/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import { decodeCursor, encodeCursor, filterKey } from './cursor.js';
import type { InvitationsOfInviter } from './inviter-changes.js';
import type { NoticeSender } from './notices.js';
import { presentUser, type User } from './users.presenter.js';
import { userErrors } from './users.errors.js';
import * as store from './users.store.js';
import type { Role, UserStatus } from './users.table.js';

export interface UsersDeps {
  db: Db;
  clock: Clock;
  hasher: PasswordHasher;
  notices: NoticeSender;
  /** Revokes a deactivated or demoted user's invitations they could no longer make (wired in build-app). */
  invitationsOfInviter?: InvitationsOfInviter;
  config: {
    organizationName: string;
    publicUrl: string;
    defaultLocale: string;
    password: { minLength: number; maxLength: number };
    temporaryPasswordMs: number;
  };
}

/** An admin-sent reset link lives 24 h (SEC-RST-03). */
export const ADMIN_RESET_LINK_MS = 24 * 3_600_000;

export type PasswordChoice = { password: string } | { generate: true };

const target = (u: { id: string; email: string }) => ({ id: u.id, label: u.email });

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function searchText(email: string, name: string): string {
  return `${email} ${name}`.toLowerCase();
}

/** Applies the policy to a typed password, or generates one that passes it. */
export function choosePassword(
  deps: Pick<UsersDeps, 'config'>,
  choice: PasswordChoice,
  who: { email: string; name: string },
): { password: string; generated: boolean } {
  const ctx = {
    ...deps.config.password,
    email: who.email,
    name: who.name,
    organizationName: deps.config.organizationName,
  };
  if ('password' in choice) {
    assertPasswordAcceptable(choice.password, ctx);
    return { password: choice.password, generated: false };
  }
  // A random password can, very rarely, contain a short name as a substring; draw again then. It is
  // as long as the configured minimum, so a draw passes almost always; the bound keeps a policy that
  // could never be met from spinning the event loop forever.
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const password = generatePassword(ctx.minLength);
    try {
      assertPasswordAcceptable(password, ctx);
      return { password, generated: true };
    } catch {
      continue;
    }
  }
  throw new Error('no generated password satisfies the password policy');
}

async function requireUser(exec: Executor, id: string): Promise<store.UserRow> {
  const row = await store.findById(exec, id);
  if (!row) throw userErrors.user_not_found();
  return row;
}

/** Refuses a change that would leave no active admin (SEC-AZ-04). */
async function assertAnotherActiveAdmin(exec: Executor, userId: string): Promise<void> {
  const admins = await store.lockActiveAdmins(exec);
  if (!admins.some((id) => id !== userId)) throw userErrors.last_admin();
}

export interface ListUsersInput {
  q?: string | undefined;
  role?: Role | undefined;
  status?: UserStatus | undefined;
  sort: store.SortKey;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string | undefined;
}

export async function listUsers(
  deps: Pick<UsersDeps, 'db' | 'clock'>,
  input: ListUsersInput,
): Promise<{ items: User[]; nextCursor: string | null; total: number }> {
  const after = input.cursor ? decodeCursor(input.cursor, input.sort, input.order) : undefined;
  const filter = {
    search: input.q?.trim().toLowerCase() || undefined,
    role: input.role,
    status: input.status,
  };
  // Without a search, the total comes from counters (no COUNT). A search's total is counted on its
  // first page and carried in the cursor, so the following pages cost only their rows; it is the
  // total as of the first page.
  const key = filter.search ? filterKey(filter) : undefined;
  const query = { ...filter, sort: input.sort, order: input.order, after, limit: input.limit + 1 };
  let total = key && after?.total?.filter === key ? after.total.count : undefined;
  let rows: store.UserRow[] | undefined;
  if (filter.search) {
    // A searched page reads its matches through the trigram index first when they are few, and
    // walks the sort order's index when they are many (store.preferMatchesFirst). Not knowing the
    // number yet, it tries the first way, counting the matches in the same query.
    const search = filter.search;
    const population = await store.count(deps.db, { role: filter.role, status: filter.status });
    if (total === undefined && store.searchIsIndexed(search)) {
      const cap = store.matchesFirstCap(population, query.limit);
      const counted = await store.findSearchPageCounted(deps.db, { ...query, search }, cap);
      if (counted.matches !== null) [total, rows] = [counted.matches, counted.rows];
    }
    total ??= await store.count(deps.db, filter);
    rows ??= await store.findPage(deps.db, {
      ...query,
      matchesFirst: store.preferMatchesFirst(total, population, query.limit),
    });
  } else {
    [total, rows] = await Promise.all([store.count(deps.db, filter), store.findPage(deps.db, query)]);
  }
  const page = rows.slice(0, input.limit);
  const locks = await lockedAccounts(
    deps.db,
    page.map((r) => r.email),
    await dbNow(deps.db, deps.clock),
  );
  const last = page.at(-1);
  const nextCursor =
    rows.length > input.limit && last
      ? encodeCursor({
          s: input.sort,
          o: input.order,
          v: store.sortValue(last, input.sort),
          i: last.id,
          ...(key ? { t: total, f: key } : {}),
        })
      : null;
  return { items: page.map((r) => withLock(presentUser(r), locks)), nextCursor, total };
}

function withLock(user: User, locks: Map<string, number>): User {
  const until = locks.get(user.email);
  return until ? { ...user, lockedUntil: new Date(until).toISOString() } : user;
}

export async function getUser(deps: Pick<UsersDeps, 'db' | 'clock'>, id: string): Promise<User> {
  const user = presentUser(await requireUser(deps.db, id));
  return withLock(user, await lockedAccounts(deps.db, [user.email], await dbNow(deps.db, deps.clock)));
}

/** Lifts a sign-in lockout before it runs out (SEC-BF-03). */
export async function unlockUser(deps: UsersDeps, actor: ActorContext, id: string): Promise<User> {
  return deps.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    await clearAccountThrottle(trx, user.email);
    await recordAuditEvent(trx, deps.clock, actor, { action: 'user.unlocked', target: target(user) });
    return presentUser(user);
  });
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  password: PasswordChoice;
  /** Admin- and CLI-set passwords are temporary (SEC-TMP-01); only first-run setup sets a chosen one. */
  temporary: boolean;
}

export async function createUser(
  deps: UsersDeps,
  actor: ActorContext,
  input: CreateUserInput,
): Promise<{ user: User; generatedPassword?: string }> {
  const email = normalizeEmail(input.email);
  const chosen = choosePassword(deps, input.password, { email, name: input.name.trim() });
  const passwordHash = await deps.hasher.hash(chosen.password, hashCallerOf(actor));
  const user = await deps.db
    .transaction()
    .execute((trx) => insertUser(trx, deps, actor, { ...input, email, passwordHash }));
  return { user, ...(chosen.generated ? { generatedPassword: chosen.password } : {}) };
}

/**
 * Inserts a user with an already hashed (and policy-checked) password inside the caller's
 * transaction, with its audit event. Used by createUser and by first-run setup.
 */
export async function insertUser(
  trx: Executor,
  deps: Pick<UsersDeps, 'clock' | 'config'>,
  actor: ActorContext,
  input: { email: string; name: string; role: Role; passwordHash: string; temporary: boolean },
): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  const now = await dbNow(trx, deps.clock);
  const row: store.UserRow = {
    id: newId(),
    email,
    name,
    nameKey: name.toLowerCase(),
    search: searchText(email, name),
    role: input.role,
    status: 'active',
    passwordHash: input.passwordHash,
    passwordTemporary: input.temporary ? 1 : 0,
    passwordExpiresAt: input.temporary ? now + deps.config.temporaryPasswordMs : null,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: 0,
    locale: null,
  };
  if (await store.findByEmail(trx, email)) throw userErrors.email_taken();
  try {
    await store.insert(trx, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw userErrors.email_taken();
    throw error;
  }
  await recordAuditEvent(trx, deps.clock, actor, {
    action: 'user.created',
    target: target(row),
    details: { role: row.role, temporaryPassword: input.temporary },
  });
  return presentUser(row);
}

export async function updateUser(
  deps: UsersDeps,
  actor: ActorContext,
  id: string,
  patch: { name?: string | undefined; role?: Role | undefined },
): Promise<User> {
  return deps.db.transaction().execute(async (trx) => {
    const before = await requireUser(trx, id);
    const now = await dbNow(trx, deps.clock);
    const name = patch.name?.trim() ?? before.name;
    const role = patch.role ?? before.role;
    if (before.role === 'admin' && role !== 'admin' && before.status === 'active') {
      await assertAnotherActiveAdmin(trx, id);
    }
    await store.update(trx, id, {
      name,
      nameKey: name.toLowerCase(),
      search: searchText(before.email, name),
      role,
      updatedAt: now,
    });
    const after = { ...before, name, nameKey: name.toLowerCase(), role, updatedAt: now };
    if (role !== before.role) {
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'user.role_changed',
        target: target(before),
        details: { from: before.role, to: role },
      });
      await deps.notices.send(trx, {
        kind: 'role_changed',
        user: presentUser(after),
        details: { from: before.role, to: role },
      });
      await deps.invitationsOfInviter?.revokeNoLongerAllowed(trx, actor, after);
    }
    if (name !== before.name) {
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'user.renamed',
        target: target(before),
        details: { from: before.name, to: name },
      });
    }
    return presentUser(after);
  });
}

export async function setUserStatus(
  deps: UsersDeps,
  actor: ActorContext,
  id: string,
  status: UserStatus,
): Promise<User> {
  if (status === 'deactivated' && actor.actorId === id) throw userErrors.cannot_deactivate_self();
  return deps.db.transaction().execute(async (trx) => {
    const before = await requireUser(trx, id);
    if (before.status === status) return presentUser(before);
    if (status === 'deactivated' && before.role === 'admin') await assertAnotherActiveAdmin(trx, id);
    const now = await dbNow(trx, deps.clock);
    await store.update(trx, id, { status, updatedAt: now });
    const after = presentUser({ ...before, status, updatedAt: now });
    if (status === 'deactivated') {
      // Deactivation takes effect at once, on every node: the sessions are gone from the database (SEC-SES-06).
      await endAllSessions(trx, id);
      await revokeAllTokens(trx, id);
      await invalidateResetTokens(trx, id);
      await deps.notices.send(trx, { kind: 'deactivated', user: after });
      await deps.invitationsOfInviter?.revokeNoLongerAllowed(trx, actor, { id, role: before.role, status });
    }
    await recordAuditEvent(trx, deps.clock, actor, {
      action: status === 'deactivated' ? 'user.deactivated' : 'user.activated',
      target: target(before),
    });
    return after;
  });
}

/**
 * The Reset password menu item (SEC-TMP-01..05): the new password is temporary, expires, passes the
 * policy; every session of the user ends; the user is notified; the event names admin and user.
 * A generated password is returned once and never stored or logged in clear.
 */
export async function adminResetPassword(
  deps: UsersDeps,
  actor: ActorContext,
  id: string,
  choice: PasswordChoice,
): Promise<{ generatedPassword?: string }> {
  if (actor.actorId === id) throw userErrors.use_change_password();
  const user = await requireUser(deps.db, id);
  const chosen = choosePassword(deps, choice, user);
  const passwordHash = await deps.hasher.hash(chosen.password, hashCallerOf(actor));
  await deps.db.transaction().execute(async (trx) => {
    const current = await requireUser(trx, id);
    const now = await dbNow(trx, deps.clock);
    await store.update(trx, id, {
      passwordHash,
      passwordTemporary: 1,
      passwordExpiresAt: now + deps.config.temporaryPasswordMs,
      passwordChangedAt: now,
      updatedAt: now,
    });
    const ended = await endAllSessions(trx, id);
    const tokensRevoked = await revokeAllTokens(trx, id);
    await invalidateResetTokens(trx, id);
    await clearAccountThrottle(trx, current.email);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.password_reset_by_admin',
      target: target(current),
      details: { generated: chosen.generated, sessionsEnded: ended, tokensRevoked },
    });
    await deps.notices.send(trx, {
      kind: 'admin_password_reset',
      user: presentUser({ ...current, passwordTemporary: 1 }),
    });
  });
  return chosen.generated ? { generatedPassword: chosen.password } : {};
}

/**
 * Sign out everywhere: what an admin does about a stolen account, so it ends every way in, the API
 * tokens as well as the sessions (SEC-SES-06, SEC-TOK-01); a token left alive would keep the thief in.
 */
export async function endUserSessions(
  deps: UsersDeps,
  actor: ActorContext,
  id: string,
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    const sessionsEnded = await endAllSessions(trx, id);
    const tokensRevoked = await revokeAllTokens(trx, id);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.sessions_revoked',
      target: target(user),
      details: { sessionsEnded, tokensRevoked },
    });
    return { sessionsEnded, tokensRevoked };
  });
}

/** The user's own language for mail and the console; null follows the organization default. */
export async function setUserLocale(
  deps: Pick<UsersDeps, 'db' | 'clock'>,
  id: string,
  locale: string | null,
): Promise<User> {
  return deps.db.transaction().execute(async (trx) => {
    const before = await requireUser(trx, id);
    const now = await dbNow(trx, deps.clock);
    await store.update(trx, id, { locale, updatedAt: now });
    return presentUser({ ...before, locale, updatedAt: now });
  });
}

export async function findUserByEmail(deps: Pick<UsersDeps, 'db'>, email: string): Promise<User | null> {
  const row = await store.findByEmail(deps.db, normalizeEmail(email));
  return row ? presentUser(row) : null;
}

export async function anyUserExists(exec: Executor): Promise<boolean> {
  return store.anyUserExists(exec);
}

/**
 * The other way to reset: a 24 h single-use link, emailed to the user (`send: true`) or returned
 * once for the admin to pass on. Issuing it replaces any older link; the current password keeps
 * working until the link is used.
 */
export async function createAdminResetLink(
  deps: UsersDeps,
  actor: ActorContext,
  id: string,
  input: { send: boolean },
): Promise<{ link?: string; expiresAt: string; sent: boolean }> {
  if (actor.actorId === id) throw userErrors.use_change_password();
  return deps.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    if (user.status !== 'active') throw userErrors.user_deactivated();
    const { token, expiresAt } = await issueResetToken(trx, {
      userId: id,
      purpose: 'admin',
      now: await dbNow(trx, deps.clock),
      lifetimeMs: ADMIN_RESET_LINK_MS,
    });
    const link = `${deps.config.publicUrl}/reset-password?token=${token}`;
    if (input.send) {
      await enqueueMail(trx, deps, {
        to: user.email,
        template: 'admin_reset_link',
        locale: user.locale,
        recipientName: user.name,
        vars: { link, hours: String(ADMIN_RESET_LINK_MS / 3_600_000) },
      });
    }
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.password_reset_link_created',
      target: target(user),
      details: { sent: input.send },
    });
    return {
      ...(input.send ? {} : { link }),
      expiresAt: new Date(expiresAt).toISOString(),
      sent: input.send,
    };
  });
}
