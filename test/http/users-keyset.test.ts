import { randomUUID } from 'node:crypto';
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type UnknownRow,
} from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { encodeCursor } from '../../src/modules/users/cursor.js';
import { listUsers } from '../../src/modules/users/index.js';
import { findPage, type SortKey, type UserRow as StoredRow } from '../../src/modules/users/users.store.js';
import { TEST_DIALECT } from '../database.js';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';

/**
 * Issue 2 acceptance: "GET /api/v1/users on 100,000 users pages by keyset (no OFFSET) on indexed
 * columns on both databases; the test seeds them in bulk."
 */

const N = 100_000;
const BATCH = 1000;
const SORTS: SortKey[] = ['name', 'email', 'createdAt', 'lastSignInAt'];
const ORDERS = ['asc', 'desc'] as const;
type Order = (typeof ORDERS)[number];

/** A small deterministic PRNG, so a failure reproduces. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/*
 * Letters-only names and equal-length email prefixes, so that the expected order computed here is the
 * same under any database collation (C, or a locale that ignores punctuation). Names repeat, in
 * different cases, so that ties on the sort value (broken by id) are everywhere.
 */
const FIRST = ['Ada', 'Alan', 'Barbara', 'Claude', 'Dennis', 'Edsger', 'Frances', 'Grace', 'Hedy', 'Ivan'];
const LAST = [
  'Hopper',
  'Turing',
  'Liskov',
  'Shannon',
  'Ritchie',
  'Dijkstra',
  'Allen',
  'Lamarr',
  'Sutherland',
];
const NAMES = FIRST.flatMap((f) =>
  LAST.flatMap((l) => [`${f}${l}`, `${f.toLowerCase()}${l}`, `${f}${l}`.toUpperCase()]),
);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const BASE = Date.UTC(2024, 0, 1);

/** The columns the seed writes (columns added later by other migrations keep their defaults). */
type UserRow = Omit<StoredRow, 'locale'>;

function makeRows(): UserRow[] {
  const rnd = mulberry32(20260105);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const rows: UserRow[] = [];
  for (let i = 0; i < N; i += 1) {
    let prefix = '';
    for (let k = 0; k < 6; k += 1) prefix += pick([...LETTERS]);
    const email = `${prefix}${String(i).padStart(6, '0')}@bulk.test`;
    const name = pick(NAMES);
    const r = rnd();
    const createdAt = BASE + Math.floor(rnd() * 40_000) * 60_000; // many equal creation times
    rows.push({
      id: randomUUID(),
      email,
      name,
      nameKey: name.toLowerCase(),
      search: `${email} ${name}`.toLowerCase(),
      role: r < 0.02 ? 'admin' : r < 0.7 ? 'member' : 'viewer',
      status: rnd() < 0.9 ? 'active' : 'deactivated',
      passwordHash: null,
      passwordTemporary: 0,
      passwordExpiresAt: null,
      passwordChangedAt: null,
      createdAt,
      updatedAt: createdAt,
      lastSignInAt: rnd() < 0.3 ? 0 : createdAt + Math.floor(rnd() * 1000) * 3_600_000,
      emailVerifiedAt: null,
    });
  }
  return rows;
}

function sortValue(row: UserRow, sort: SortKey): string | number {
  return { name: row.nameKey, email: row.email, createdAt: row.createdAt, lastSignInAt: row.lastSignInAt }[
    sort
  ];
}

function comparator(sort: SortKey, order: Order) {
  const dir = order === 'asc' ? 1 : -1;
  return (a: UserRow, b: UserRow): number => {
    const x = sortValue(a, sort);
    const y = sortValue(b, sort);
    if (x !== y) return (x < y ? -1 : 1) * dir;
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * dir;
  };
}

/** Records every query a Kysely instance runs, compiled to the SQL the database receives. */
class QueryCapture implements KyselyPlugin {
  readonly queries: CompiledQuery[] = [];
  constructor(private readonly db: Db) {}
  transformQuery(args: PluginTransformQueryArgs) {
    this.queries.push(this.db.getExecutor().compileQuery(args.node, args.queryId));
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

async function explain(db: Db, query: CompiledQuery): Promise<string> {
  const prefix = TEST_DIALECT === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const result = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(prefix + query.sql, [...query.parameters]),
  );
  return result.rows.map((r) => String(TEST_DIALECT === 'sqlite' ? r.detail : r['QUERY PLAN'])).join('\n');
}

/** The page query's plan reads the rows in order from an index: no full scan, no sort step. */
function expectIndexOrderedPlan(plan: string): void {
  if (TEST_DIALECT === 'sqlite') {
    expect(plan).toMatch(/USING (COVERING )?INDEX (users_|sqlite_autoindex_users_)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    expect(plan).not.toMatch(/^SCAN users$/m);
  } else {
    expect(plan).toMatch(/Index (Only )?Scan( Backward)? using users_/);
    expect(plan).not.toMatch(/(^|->\s+)(Incremental )?Sort\b/m);
    expect(plan).not.toMatch(/Seq Scan/);
  }
}

describe('GET /api/v1/users on 100,000 users (keyset paging)', () => {
  let t: TestApp;
  let cookie: string;
  let all: UserRow[];

  beforeAll(async () => {
    t = await buildTestApp();
    const admin = await seedUser(t, { email: 'admin0000000@bulk.test', name: 'Zeta', role: 'admin' });
    cookie = await signIn(t, admin.email, admin.password);
    const rows = makeRows();

    const started = performance.now();
    await t.db.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        await trx
          .insertInto('users')
          .values(rows.slice(i, i + BATCH))
          .execute();
      }
    });
    // PostgreSQL's autovacuum would gather statistics on its own soon after; do it now. SQLite is left
    // without statistics, as Gatehouse runs it: its plans must be right without ANALYZE.
    if (TEST_DIALECT === 'postgres') await t.db.db.executeQuery(CompiledQuery.raw('ANALYZE users'));
    console.log(`[${TEST_DIALECT}] seeded ${N} users in ${Math.round(performance.now() - started)} ms`);

    const adminRow = await t.db.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    all = [...rows, adminRow];
  }, 120_000);

  async function page(query: string) {
    const res = await request(t, cookie, { method: 'GET', url: `/api/v1/users?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Array<{ id: string }>; nextCursor: string | null; total: number };
  }

  /** Each ordering sorted once, shared by the tests below. */
  const sortedCache = new Map<string, UserRow[]>();
  function sorted(sort: SortKey, order: Order): UserRow[] {
    const key = `${sort}:${order}`;
    let rows = sortedCache.get(key);
    if (!rows) {
      rows = [...all].sort(comparator(sort, order));
      sortedCache.set(key, rows);
    }
    return rows;
  }

  it('the keyset query walks all 100,001 users, each exactly once, in order (ties broken by id)', async () => {
    for (const [sort, order] of [
      ['name', 'asc'],
      ['lastSignInAt', 'desc'],
    ] as const) {
      const started = performance.now();
      const seen: string[] = [];
      let after: { value: string | number; id: string } | undefined;
      for (;;) {
        const rows = await findPage(t.db.db, { sort, order, after, limit: 1000 });
        seen.push(...rows.map((r) => r.id));
        const last = rows.at(-1);
        if (!last || rows.length < 1000) break;
        after = { value: sortValue(last, sort), id: last.id };
      }
      console.log(
        `[${TEST_DIALECT}] walked ${sort} ${order} in ${Math.round(performance.now() - started)} ms`,
      );
      expect(new Set(seen).size).toBe(N + 1);
      expect(seen).toEqual(sorted(sort, order).map((r) => r.id));
    }
  });

  for (const sort of SORTS) {
    for (const order of ORDERS) {
      it(`sort=${sort}&order=${order}: the first page and page 600 are the right rows, read by keyset on an index`, async () => {
        const rows = sorted(sort, order);
        const first = await page(`sort=${sort}&order=${order}&limit=100`);
        expect(first.total).toBe(N + 1);
        expect(first.items.map((u) => u.id)).toEqual(rows.slice(0, 100).map((r) => r.id));

        // Page 600 starts after row 59,900; the cursor names that row, as the API's own cursors do.
        const before = rows[59_899] as UserRow;
        const deepCursor = encodeCursor({ s: sort, o: order, v: sortValue(before, sort), i: before.id });
        const deep = await page(
          `sort=${sort}&order=${order}&limit=100&cursor=${encodeURIComponent(deepCursor)}`,
        );
        expect(deep.items.map((u) => u.id)).toEqual(rows.slice(59_900, 60_000).map((r) => r.id));
        // Following the API's own next cursor continues exactly where the page ended.
        const next = await page(
          `sort=${sort}&order=${order}&limit=100&cursor=${encodeURIComponent(deep.nextCursor ?? '')}`,
        );
        expect(next.items.map((u) => u.id)).toEqual(rows.slice(60_000, 60_100).map((r) => r.id));

        // The exact SQL the service runs: no OFFSET, and the database reads it in order from an index.
        for (const cursor of [undefined, deepCursor]) {
          const capture = new QueryCapture(t.db.db);
          await listUsers(
            { db: t.db.db.withPlugin(capture), clock: t.clock },
            { sort, order, limit: 100, cursor },
          );
          const pageQuery = capture.queries.find((q) => /order by/i.test(q.sql));
          expect(pageQuery, 'the page query ran').toBeDefined();
          for (const q of capture.queries) expect(q.sql).not.toMatch(/\boffset\b/i);
          expect(pageQuery?.sql).toMatch(/\blimit\b/i);
          const plan = await explain(t.db.db, pageQuery as CompiledQuery);
          expectIndexOrderedPlan(plan);
        }
      });
    }
  }

  it('filtered lists (role, status, both, q) page correctly; role and status filters read in order from an index', async () => {
    const filters: Array<{ role?: UserRow['role']; status?: UserRow['status']; q?: string }> = [
      { role: 'viewer' },
      { role: 'admin' },
      { status: 'deactivated' },
      { role: 'member', status: 'active' },
      { q: 'GRACE' },
      { q: 'hopper', role: 'admin' },
    ];
    for (const filter of filters) {
      for (const sort of SORTS) {
        for (const order of ORDERS) {
          const matching = sorted(sort, order).filter(
            (r) =>
              (!filter.role || r.role === filter.role) &&
              (!filter.status || r.status === filter.status) &&
              (!filter.q || r.search.includes(filter.q.toLowerCase())),
          );
          const qs = new URLSearchParams({ sort, order, limit: '100', ...filter });
          const first = await page(qs.toString());
          expect(first.total).toBe(matching.length);
          expect(first.items.map((u) => u.id)).toEqual(matching.slice(0, 100).map((r) => r.id));
          const second = await page(`${qs.toString()}&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
          expect(second.items.map((u) => u.id)).toEqual(matching.slice(100, 200).map((r) => r.id));

          const capture = new QueryCapture(t.db.db);
          await listUsers(
            { db: t.db.db.withPlugin(capture), clock: t.clock },
            { ...filter, sort, order, limit: 100, cursor: first.nextCursor ?? undefined },
          );
          for (const q of capture.queries) expect(q.sql).not.toMatch(/\boffset\b/i);
          const pageQuery = capture.queries.find((q) => /order by/i.test(q.sql)) as CompiledQuery;
          // A substring search cannot use a b-tree index; the planner may then rightly scan, or sort
          // the few rows it found. Role and status filters have their own ordered indexes.
          if (!filter.q) expectIndexOrderedPlan(await explain(t.db.db, pageQuery));
        }
      }
    }
  });
});
