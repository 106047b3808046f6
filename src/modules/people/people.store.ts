import { sql, type Expression, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import { isPostgres } from '../../db/dialect.js';
import { lockedAccountsQuery } from '../throttle/index.js';
import type { InvitationsTable } from '../invitations/invitations.table.js';
import type { Role, UsersTable } from '../users/users.table.js';

/*
 * Manage users' one list of people: users and pending invitations, merged in one statement.
 * Like the request guard's query (ADR 0003), this read model reads two modules' tables (users,
 * invitations; mfa_factors for the two-step filter); every change still goes through their services.
 *
 * Keyset paging across both: the order is (sort value, kind, id) with kind 'invitation' < 'user'.
 * Each side reads at most `limit` rows after the cursor through its own index, in order; the union of
 * the two (at most 2 × limit rows) is sorted once more and cut. No OFFSET, nothing loaded in full.
 */
export type PeopleSortKey = 'name' | 'email' | 'createdAt' | 'lastSignInAt';
export type Kind = 'invitation' | 'user';
export type UserRow = Selectable<UsersTable>;
export type InvitationRow = Selectable<InvitationsTable>;

export interface PeopleFilter {
  search?: string | undefined;
  role?: Role | undefined;
  /** Which people: one user status, locked users, or only the invited; all when undefined. */
  status?: 'active' | 'deactivated' | 'locked' | 'invited' | undefined;
  mfa?: 'enabled' | 'disabled' | undefined;
  /** The database's time: pending invitations past it are expired, lockouts before it are over. */
  now: number;
}

export interface PeopleAfter {
  value: string | number;
  kind: Kind;
  id: string;
}

const includesUsers = (f: PeopleFilter) => f.status !== 'invited';
/** Invitations have no status of a user and no factor: a user-only filter leaves them out. */
const includesInvitations = (f: PeopleFilter) => (f.status === undefined || f.status === 'invited') && !f.mfa;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
const like = (search: string) => `%${escapeLike(search)}%`;

function users(exec: Executor, f: PeopleFilter) {
  let q = exec.selectFrom('users');
  if (f.role) q = q.where('users.role', '=', f.role);
  if (f.status === 'active' || f.status === 'deactivated') q = q.where('users.status', '=', f.status);
  if (f.status === 'locked') q = q.where('users.email', 'in', lockedAccountsQuery(exec, f.now));
  if (f.search) {
    // On SQLite a search of three characters or more reads its candidates from the FTS5 trigram index
    // (migration 0005), as the users list does; the LIKE confirms each. PostgreSQL's planner uses the
    // pg_trgm index for the LIKE itself.
    if (!isPostgres(exec as never) && [...f.search].length >= 3)
      q = q.where(
        sql<boolean>`users.rowid in (select rowid from users_search where users_search match ${`"${f.search.replaceAll('"', '""')}"`})`,
      );
    q = q.where(sql<boolean>`users.search like ${like(f.search)} escape '\\'`);
  }
  if (f.mfa) {
    const mfa = f.mfa;
    q = q.where((eb) => {
      const factor = eb
        .selectFrom('mfaFactors')
        .select('mfaFactors.id')
        .whereRef('mfaFactors.userId', '=', 'users.id')
        .where('mfaFactors.status', '=', 'active');
      return mfa === 'enabled' ? eb.exists(factor) : eb.not(eb.exists(factor));
    });
  }
  return q;
}

/** Invited people: invitations still pending and not expired (the list's "Invited"). */
function invitations(exec: Executor, f: PeopleFilter, use: 'page' | 'count' = 'page') {
  let q = exec.selectFrom('invitations').where('invitations.status', '=', 'pending');
  // A page walks the (status, sort key, id) index and skips the expired on the way: `+expires_at`
  // keeps SQLite, which plans without statistics, from preferring the (status, expires_at) range
  // and sorting every invitation. The count is what that index is for.
  q =
    use === 'count'
      ? q.where('invitations.expiresAt', '>', f.now)
      : q.where(sql<boolean>`+invitations.expires_at > ${f.now}`);
  if (f.role) q = q.where('invitations.role', '=', f.role);
  if (f.search) {
    const pattern = like(f.search);
    q = q.where(
      sql<boolean>`(lower(invitations.email) like ${pattern} escape '\\' or lower(coalesce(invitations.name, '')) like ${pattern} escape '\\')`,
    );
  }
  return q;
}

/** Each side's sort value; an invitation's name falls back to its email, it has never signed in (0). */
function userKey(sort: PeopleSortKey): RawBuilder<string | number> {
  const column = {
    name: 'users.nameKey',
    email: 'users.email',
    createdAt: 'users.createdAt',
    lastSignInAt: 'users.lastSignInAt',
  } as const;
  return sql.ref<string | number>(column[sort]);
}
function invitationKey(sort: PeopleSortKey): RawBuilder<string | number> {
  switch (sort) {
    case 'name':
      // The expression of migration 0013's index (status, this, id).
      return sql<string>`lower(coalesce(invitations.name, invitations.email))`;
    case 'email':
      return sql.ref<string>('invitations.email');
    case 'createdAt':
      return sql.ref<number>('invitations.createdAt');
    case 'lastSignInAt':
      return sql<number>`0`;
  }
}

/**
 * The keyset condition for one side. Rows of the cursor's own kind continue after (value, id); the
 * other kind's rows with the cursor's value come after it only if that kind sorts after the cursor's.
 * Emails are unique on each side (users; pending invitations), so there the value alone is the key.
 */
function keyset(
  kind: Kind,
  key: Expression<string | number>,
  id: string,
  sort: PeopleSortKey,
  order: 'asc' | 'desc',
  after: PeopleAfter,
): RawBuilder<boolean> {
  const asc = order === 'asc';
  const value = sql.val(after.value);
  if (after.kind === kind) {
    const op = sql.raw(asc ? '>' : '<');
    return sort === 'email'
      ? sql<boolean>`${key} ${op} ${value}`
      : sql<boolean>`(${key}, ${sql.ref(id)}) ${op} (${value}, ${after.id})`;
  }
  const sameValueAfter = asc ? kind > after.kind : kind < after.kind;
  const op = asc ? (sameValueAfter ? '>=' : '>') : sameValueAfter ? '<=' : '<';
  return sql<boolean>`${key} ${sql.raw(op)} ${value}`;
}

export interface PeoplePageQuery extends PeopleFilter {
  sort: PeopleSortKey;
  order: 'asc' | 'desc';
  after?: PeopleAfter | undefined;
  limit: number;
}

export interface PersonKey {
  kind: Kind;
  id: string;
  v: string | number;
}

/** One page of (kind, id, sort value), in the list's order. */
export async function findPage(exec: Executor, q: PeoplePageQuery): Promise<PersonKey[]> {
  const order = q.order;
  let usersSide;
  let invitationsSide;
  if (includesUsers(q)) {
    const key = userKey(q.sort);
    let side = users(exec, q).select([sql<Kind>`'user'`.as('kind'), 'users.id as id', key.as('v')]);
    if (q.after) side = side.where(keyset('user', key, 'users.id', q.sort, order, q.after));
    side = side.orderBy(key, order);
    if (q.sort !== 'email') side = side.orderBy('users.id', order);
    usersSide = exec.selectFrom(side.limit(q.limit).as('u')).selectAll();
  }
  if (includesInvitations(q)) {
    const key = invitationKey(q.sort);
    let side = invitations(exec, q).select([
      sql<Kind>`'invitation'`.as('kind'),
      'invitations.id as id',
      key.as('v'),
    ]);
    if (q.after) side = side.where(keyset('invitation', key, 'invitations.id', q.sort, order, q.after));
    if (q.sort !== 'lastSignInAt') side = side.orderBy(key, order);
    if (q.sort !== 'email') side = side.orderBy('invitations.id', order);
    invitationsSide = exec.selectFrom(side.limit(q.limit).as('i')).selectAll();
  }
  // Both sides have the same columns (kind, id, v); the cast lets one statement read either or both.
  const union = usersSide
    ? invitationsSide
      ? usersSide.unionAll(invitationsSide as unknown as typeof usersSide)
      : usersSide
    : (invitationsSide as unknown as typeof usersSide);
  if (!union) return [];
  const rows = await exec
    .selectFrom(union.as('p'))
    .selectAll()
    .orderBy('p.v', order)
    .orderBy('p.kind', order)
    .orderBy('p.id', order)
    .limit(q.limit)
    .execute();
  // PostgreSQL returns bigint as text: a date's sort value is a number in the cursor.
  const numeric = q.sort === 'createdAt' || q.sort === 'lastSignInAt';
  return rows.map((r) => ({ kind: r.kind, id: r.id, v: numeric ? Number(r.v) : String(r.v) }));
}

/**
 * How many users and invited people match. Users without a search, lock or two-step filter come from
 * the counters kept by triggers (migration 0006); otherwise, and for invitations, the rows are counted.
 */
export async function count(exec: Executor, f: PeopleFilter): Promise<{ users: number; invited: number }> {
  const countUsers = async (): Promise<number> => {
    if (!includesUsers(f)) return 0;
    if (!f.search && !f.mfa && f.status !== 'locked') {
      let q = exec.selectFrom('userCounts').select((eb) => eb.fn.sum<number | string | null>('n').as('n'));
      if (f.role) q = q.where('role', '=', f.role);
      if (f.status === 'active' || f.status === 'deactivated') q = q.where('status', '=', f.status);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    }
    const row = await users(exec, f)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const countInvited = async (): Promise<number> => {
    if (!includesInvitations(f)) return 0;
    const row = await invitations(exec, f, 'count')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const [usersCount, invited] = await Promise.all([countUsers(), countInvited()]);
  return { users: usersCount, invited };
}

export async function usersByIds(exec: Executor, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return exec.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

export async function invitationsByIds(exec: Executor, ids: string[]): Promise<InvitationRow[]> {
  if (ids.length === 0) return [];
  return exec.selectFrom('invitations').selectAll().where('id', 'in', ids).execute();
}

/** Which of these ids are users and which invitations (the bulk actions check each item's kind). */
export async function kindsOf(
  exec: Executor,
  ids: string[],
): Promise<Map<string, { kind: Kind; role?: Role }>> {
  const kinds = new Map<string, { kind: Kind; role?: Role }>();
  if (ids.length === 0) return kinds;
  const [u, i] = await Promise.all([
    exec.selectFrom('users').select(['id', 'role']).where('id', 'in', ids).execute(),
    exec.selectFrom('invitations').select('id').where('id', 'in', ids).execute(),
  ]);
  for (const row of i) kinds.set(row.id, { kind: 'invitation' });
  for (const row of u) kinds.set(row.id, { kind: 'user', role: row.role });
  return kinds;
}
