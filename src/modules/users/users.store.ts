import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../db/db.js';
import { isPostgres } from '../../db/dialect.js';
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
}

export interface UserPageQuery extends UserFilter {
  sort: SortKey;
  order: 'asc' | 'desc';
  after?: { value: string | number; id: string } | undefined;
  limit: number;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A trigram index can serve the search when it holds three characters in a row that are not LIKE wildcards. */
const INDEXABLE_SEARCH = /[^%_]{3}/;

function filtered(exec: Executor, f: UserFilter) {
  let q = exec.selectFrom('users');
  if (f.role) q = q.where('role', '=', f.role);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.search) {
    const search = f.search;
    // SQLite: the FTS5 trigram table (migration 0005) finds the candidates. It serves LIKE only
    // without an ESCAPE clause, so it gets q with its wildcards left as wildcards (a superset: every
    // character still matches itself) and the exact, escaped LIKE below keeps only the real matches.
    // PostgreSQL's planner uses the pg_trgm GIN index for the escaped LIKE by itself.
    if (INDEXABLE_SEARCH.test(search) && !isPostgres(exec as never)) {
      q = q.where(
        sql<boolean>`users.rowid in (select rowid from users_search where users_search.search like ${`%${search}%`})`,
      );
    }
    q = q.where(sql<boolean>`search like ${`%${escapeLike(search)}%`} escape '\\'`);
  }
  return q;
}

/**
 * Keyset paging on (sort column, id): no OFFSET, so a deep page costs what the first one does.
 * Emails are unique, so the email alone is the key: ordering by (email, id) would make PostgreSQL
 * re-sort what it reads from the unique email index (an Incremental Sort) instead of just reading it.
 */
export async function findPage(exec: Executor, q: UserPageQuery): Promise<UserRow[]> {
  const column = SORT_COLUMN[q.sort];
  const op = q.order === 'asc' ? '>' : '<';
  let query = filtered(exec, q).selectAll();
  if (q.after) {
    const after = q.after;
    query =
      column === 'email'
        ? query.where('email', op, String(after.value))
        : query.where((eb) => eb(eb.refTuple(column, 'id'), op, eb.tuple(after.value as never, after.id)));
  }
  query = query.orderBy(column, q.order);
  if (column !== 'email') query = query.orderBy('id', q.order);
  return query.limit(q.limit).execute();
}

export function sortValue(row: UserRow, sort: SortKey): string | number {
  return row[SORT_COLUMN[sort]];
}

export async function count(exec: Executor, f: UserFilter): Promise<number> {
  const row = await filtered(exec, f)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
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
