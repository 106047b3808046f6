import { sql, type ExpressionBuilder, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Executor } from '../../db/db.js';
import { isPostgres } from '../../db/dialect.js';
import { lockedAccountsQuery } from '../throttle/index.js';
import type { Role, UserStatus, UsersTable } from './users.table.js';

export type UserRow = Selectable<UsersTable>;

export type SortKey = 'name' | 'email' | 'createdAt' | 'lastSignInAt';
const SORT_COLUMN = {
  name: 'nameKey',
  email: 'email',
  createdAt: 'createdAt',
  lastSignInAt: 'lastSignInAt',
} as const;

export interface UserFilter {
  search?: string | undefined;
  role?: Role | undefined;
  status?: UserStatus | undefined;
  /** Only users whose sign-in is locked at this time (the list's `status=locked`). */
  lockedAt?: number | undefined;
  /** Whether the user has an active second factor (issue 13's filter `mfa=enabled|disabled`). */
  mfa?: 'enabled' | 'disabled' | undefined;
}

/**
 * The two-step filter reads the mfa module's factors table (its index on user_id, status): the one
 * place this store looks at another module's table, like the request guard's query (ADR 0003).
 */
function hasFactor(f: UserFilter) {
  return (eb: ExpressionBuilder<Database, 'users'>) => {
    const factor = eb
      .selectFrom('mfaFactors')
      .select('mfaFactors.id')
      .whereRef('mfaFactors.userId', '=', 'users.id')
      .where('mfaFactors.status', '=', 'active');
    return f.mfa === 'enabled' ? eb.exists(factor) : eb.not(eb.exists(factor));
  };
}

export interface UserPageQuery extends UserFilter {
  sort: SortKey;
  order: 'asc' | 'desc';
  after?: { value: string | number; id: string } | undefined;
  limit: number;
  /**
   * Read the search's matches from the trigram index first and sort them (few matches), rather
   * than walk the sort order's index and test each user (many matches). See preferMatchesFirst.
   */
  matchesFirst?: boolean | undefined;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Whether a trigram index can serve a search: three characters or more (migration 0005). Shorter
 * ones scan, as they did before.
 */
export function searchIsIndexed(search: string): boolean {
  return [...search].length >= 3;
}

/** An FTS5 query for q as one literal phrase: with the trigram tokenizer, exactly "contains q". */
function ftsPhrase(search: string): string {
  return `"${search.replaceAll('"', '""')}"`;
}

const likeSearch = (search: string) => sql<boolean>`search like ${`%${escapeLike(search)}%`} escape '\\'`;

/** The users matching a filter, for an in-order walk: role and status use their (filter, sort) indexes. */
function filtered(exec: Executor, f: UserFilter) {
  let q = exec.selectFrom('users');
  if (f.role) q = q.where('role', '=', f.role);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.lockedAt !== undefined) q = q.where('email', 'in', lockedAccountsQuery(exec, f.lockedAt));
  if (f.search) q = q.where(likeSearch(f.search));
  if (f.mfa) q = q.where(hasFactor(f));
  return q;
}

/**
 * The users matching an indexed search, found through the trigram index. PostgreSQL's planner
 * uses the pg_trgm GIN index for the LIKE itself. SQLite asks the FTS5 trigram table for the
 * literal phrase (answered from the index alone; its LIKE support would re-read every candidate
 * row) and the exact LIKE then confirms each row; role and status are written `+role` so that
 * SQLite, which plans without statistics, does not walk their index instead of the search's.
 */
function searchMatches(exec: Executor, f: UserFilter & { search: string }) {
  if (isPostgres(exec as never)) return filtered(exec, f);
  let q = exec
    .selectFrom('users')
    .where(
      sql<boolean>`users.rowid in (select rowid from users_search where users_search match ${ftsPhrase(f.search)})`,
    )
    .where(likeSearch(f.search));
  if (f.role) q = q.where(sql<boolean>`+role = ${f.role}`);
  if (f.status) q = q.where(sql<boolean>`+status = ${f.status}`);
  if (f.lockedAt !== undefined) q = q.where('email', 'in', lockedAccountsQuery(exec, f.lockedAt));
  if (f.mfa) q = q.where(hasFactor(f));
  return q;
}

const allOf = (q: ReturnType<typeof filtered>) => q.selectAll();

/**
 * Choosing between the two ways to read a searched page, from the number of matches (m) among
 * the users the role/status filter leaves (n). Walking the sort index reads about limit × n / m
 * users before it has a page; reading the matches first reads m and sorts them. The walk is given
 * a fourfold handicap because matches cluster in the sort order (searching a first name walks the
 * whole alphabet before the first "Grace"): matches first while m² ≤ 4 · limit · n, i.e. up to
 * about 14,000 matches among 1,000,000 users.
 */
export function matchesFirstCap(population: number, limit: number): number {
  return Math.floor(Math.sqrt(4 * limit * Math.max(population, 1)));
}

export function preferMatchesFirst(matches: number, population: number, limit: number): boolean {
  return matches <= matchesFirstCap(population, limit);
}

function pageQuery(exec: Executor, q: UserPageQuery, cap?: number) {
  const column = SORT_COLUMN[q.sort];
  const op = q.order === 'asc' ? '>' : '<';
  const search = q.search;
  // Matches first: the matches are read (materialized) through the trigram index, then the keyset
  // applies and the few are sorted; neither database may turn it back into an index walk.
  // (The CTE has exactly the users table's columns; the cast lets one keyset code serve both.)
  let query =
    (q.matchesFirst || cap !== undefined) && search && searchIsIndexed(search)
      ? (exec
          .with(
            (cte) => cte('matches').materialized(),
            () => {
              const matches = searchMatches(exec, { ...q, search }).selectAll();
              return cap === undefined ? matches : matches.limit(cap + 1);
            },
          )
          .selectFrom('matches')
          .selectAll() as unknown as ReturnType<typeof allOf>)
      : allOf(filtered(exec, q));
  if (q.after) {
    const after = q.after;
    query =
      column === 'email'
        ? query.where('email', op, String(after.value))
        : query.where((eb) => eb(eb.refTuple(column, 'id'), op, eb.tuple(after.value as never, after.id)));
  }
  query = query.orderBy(column, q.order);
  if (column !== 'email') query = query.orderBy('id', q.order);
  return query.limit(q.limit);
}

/**
 * Keyset paging on (sort column, id): no OFFSET, so a deep page costs what the first one does.
 * Emails are unique, so the email alone is the key: ordering by (email, id) would make PostgreSQL
 * re-sort what it reads from the unique email index (an Incremental Sort) instead of just reading it.
 */
export async function findPage(exec: Executor, q: UserPageQuery): Promise<UserRow[]> {
  return pageQuery(exec, q).execute();
}

/**
 * A searched page read matches first, with the number of matches counted in the same query from
 * the same index read (instead of a second COUNT over them), provided there are at most `cap`:
 * `matches` is null when there are more (then count, and walk the sort index instead) or when the
 * page came back empty (nothing to carry the count).
 */
export async function findSearchPageCounted(
  exec: Executor,
  q: UserPageQuery & { search: string },
  cap: number,
): Promise<{ rows: UserRow[]; matches: number | null }> {
  const found = await pageQuery(exec, q, cap)
    .select(sql<number | string>`(select count(*) from matches)`.as('matchCount'))
    .execute();
  const matches = found[0] ? Number(found[0].matchCount) : null;
  const rows = found.map(({ matchCount: _count, ...row }) => row);
  return { rows, matches: matches !== null && matches <= cap ? matches : null };
}

export function sortValue(row: UserRow, sort: SortKey): string | number {
  return row[SORT_COLUMN[sort]];
}

/**
 * How many users match. Without a search it is a sum over the per-(role, status) counters kept by
 * triggers (migration 0006): no COUNT over the table. With an indexed search on SQLite and no other
 * filter, the FTS5 table counts the phrase's matches from its index alone (search text and q are
 * both lower-cased, so "contains the phrase" is "matches the LIKE"); otherwise the matches are
 * counted through the index, or, for a short q, by a scan.
 */
export async function count(exec: Executor, f: UserFilter): Promise<number> {
  // The counters know nothing of factors: with the two-step filter the rows are counted.
  if (f.mfa)
    return countRows(
      f.search && searchIsIndexed(f.search)
        ? searchMatches(exec, { ...f, search: f.search })
        : filtered(exec, f),
    );
  // Locked accounts are few and change by the minute: counted from the lockouts, not kept in counters.
  if (f.lockedAt !== undefined && !f.search) return countRows(filtered(exec, f));
  if (!f.search) {
    let q = exec.selectFrom('userCounts').select((eb) => eb.fn.sum<number | string | null>('n').as('n'));
    if (f.role) q = q.where('role', '=', f.role);
    if (f.status) q = q.where('status', '=', f.status);
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }
  const search = f.search;
  if (!searchIsIndexed(search)) return countRows(filtered(exec, f));
  if (!isPostgres(exec as never) && !f.role && !f.status && f.lockedAt === undefined) {
    const phrase = ftsPhrase(search);
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from users_search where users_search match ${phrase}`.execute(exec);
    return Number(rows[0]?.n ?? 0);
  }
  return countRows(searchMatches(exec, { ...f, search }));
}

async function countRows(q: ReturnType<typeof filtered>): Promise<number> {
  const row = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findById(exec: Executor, id: string): Promise<UserRow | undefined> {
  return exec.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findByEmail(exec: Executor, email: string): Promise<UserRow | undefined> {
  return exec.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function insert(exec: Executor, row: Insertable<UsersTable>): Promise<void> {
  await exec.insertInto('users').values(row).execute();
}

export async function update(exec: Executor, id: string, patch: Updateable<UsersTable>): Promise<void> {
  await exec.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function anyUserExists(exec: Executor): Promise<boolean> {
  const row = await exec.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * The ids of active admins, locked on PostgreSQL until the transaction ends, so two admins demoting
 * each other at once serialize and the second sees only one admin left (SEC-AZ-04). SQLite has one writer.
 */
export async function lockActiveAdmins(exec: Executor): Promise<string[]> {
  let q = exec.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active');
  if (isPostgres(exec as never)) q = q.forUpdate();
  const rows = await q.execute();
  return rows.map((r) => r.id);
}
