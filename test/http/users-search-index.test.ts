import { randomBytes } from 'node:crypto';
import {
  CompiledQuery,
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/db.js';
import { listUsers } from '../../src/modules/users/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { databaseUrlFor, TEST_DIALECT } from '../database.js';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';

/**
 * Issue 6 (user list at 1,000,000 users): substring search through a trigram index (pg_trgm GIN on
 * PostgreSQL, FTS5 trigram on SQLite, migration 0005) and list totals from counters kept by
 * triggers (migration 0006), with a search's total carried in the cursor. These tests prove the
 * index and the counters stay exact through every change the API makes; the speed itself is
 * measured by `npm run bench`, not by timed tests.
 */

interface Page {
  items: Array<{ id: string; email: string; name: string }>;
  nextCursor: string | null;
  total: number;
}

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

describe('GET /api/v1/users: trigram search and counted totals stay exact', () => {
  let t: TestApp;
  let cookie: string;

  const list = async (query: Record<string, string>) => {
    const res = await request(t, cookie, {
      method: 'GET',
      url: `/api/v1/users?${new URLSearchParams(query)}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };
  const call = (method: 'PATCH' | 'POST', url: string, payload?: object) =>
    request(t, cookie, { method, url, ...(payload ? { payload } : {}) });

  /** The truth, counted straight from the table. */
  const counted = async (where: { role?: string; status?: string; search?: string }) => {
    let q = t.db.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n'));
    if (where.role) q = q.where('role', '=', where.role as never);
    if (where.status) q = q.where('status', '=', where.status as never);
    if (where.search) q = q.where('search', 'like', `%${where.search}%`);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  beforeAll(async () => {
    t = await buildTestApp();
    const admin = await seedUser(t, { email: 'root@index.test', name: 'Root Admin', role: 'admin' });
    cookie = await signIn(t, admin.email, admin.password);
    for (let i = 0; i < 12; i += 1) {
      await seedUser(t, {
        email: `person${i}@index.test`,
        name: i % 3 === 0 ? `Wilhelmina Quartz ${i}` : `Ordinary Person ${i}`,
        role: i % 4 === 0 ? 'viewer' : 'member',
      });
    }
  });

  it('a renamed user is found by the new name and no longer by the old one (the index follows updates)', async () => {
    const user = await seedUser(t, { email: 'rename@index.test', name: 'Bartholomew Oldname' });
    expect((await list({ q: 'oldname' })).items.map((u) => u.id)).toEqual([user.id]);
    const res = await call('PATCH', `/api/v1/users/${user.id}`, { name: 'Bartholomew Newname' });
    expect(res.statusCode, res.body).toBe(200);
    const renamed = await list({ q: 'newname' });
    expect(renamed.items.map((u) => u.id)).toEqual([user.id]);
    expect(renamed.total).toBe(1);
    expect(await list({ q: 'oldname' })).toMatchObject({ items: [], total: 0 });
    // Short queries scan instead of using the index: same answers.
    expect((await list({ q: 'ew' })).total).toBe(await counted({ search: 'ew' }));
  });

  it('totals by role and status follow creation, role changes, deactivation and reactivation', async () => {
    const check = async () => {
      expect((await list({})).total).toBe(await counted({}));
      for (const role of ['admin', 'member', 'viewer']) {
        expect((await list({ role })).total, role).toBe(await counted({ role }));
        for (const status of ['active', 'deactivated']) {
          expect((await list({ role, status })).total, `${role} ${status}`).toBe(
            await counted({ role, status }),
          );
        }
      }
      for (const status of ['active', 'deactivated']) {
        expect((await list({ status })).total, status).toBe(await counted({ status }));
      }
    };
    await check();
    const a = await seedUser(t, { email: 'mover-a@index.test', role: 'viewer' });
    const b = await seedUser(t, { email: 'mover-b@index.test', role: 'member' });
    await check();
    expect((await call('PATCH', `/api/v1/users/${a.id}`, { role: 'admin' })).statusCode).toBe(200);
    expect((await call('PATCH', `/api/v1/users/${b.id}`, { name: 'Same Role Renamed' })).statusCode).toBe(
      200,
    );
    await check();
    expect((await call('POST', `/api/v1/users/${a.id}/deactivate`)).statusCode).toBe(200);
    expect((await call('POST', `/api/v1/users/${b.id}/deactivate`)).statusCode).toBe(200);
    await check();
    expect((await call('POST', `/api/v1/users/${a.id}/activate`)).statusCode).toBe(200);
    await check();
    const created = await call('POST', '/api/v1/users', {
      email: 'created@index.test',
      name: 'Created Over Http',
      role: 'viewer',
      generatePassword: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    await check();
    // Searches with and without filters count their set exactly too.
    const searches: Array<{ q: string; role?: string; status?: string }> = [
      { q: 'quartz' },
      { q: 'quartz', role: 'viewer' },
      { q: 'index.test', status: 'active' },
    ];
    for (const query of searches) {
      const page = await list(query as Record<string, string>);
      expect(page.total, JSON.stringify(query)).toBe(await counted({ ...query, search: query.q }));
    }
  });

  it("a search's total is counted on its first page and carried by the cursor, only for the same filters", async () => {
    const first = await list({ q: 'index.test', limit: '3' });
    expect(first.total).toBe(await counted({ search: 'index.test' }));
    expect(first.nextCursor).not.toBeNull();

    const capture = new QueryCapture(t.db.db);
    const next = await listUsers(
      { db: t.db.db.withPlugin(capture), clock: t.clock },
      { q: 'index.test', sort: 'name', order: 'asc', limit: 3, cursor: first.nextCursor ?? undefined },
    );
    expect(next.total).toBe(first.total);
    expect(capture.queries.map((q) => q.sql).filter((s) => /count\(/i.test(s))).toEqual([]);
    expect(next.items.map((u) => u.id)).not.toEqual(first.items.map((u) => u.id));

    // The same cursor under another search: that search's own total, counted afresh.
    const other = await list({ q: 'quartz', limit: '3', cursor: first.nextCursor ?? '' });
    expect(other.total).toBe(await counted({ search: 'quartz' }));
  });

  it('a search of three characters or more is answered through the trigram index', async () => {
    const capture = new QueryCapture(t.db.db);
    await listUsers(
      { db: t.db.db.withPlugin(capture), clock: t.clock },
      { q: 'quartz', sort: 'name', order: 'asc', limit: 10 },
    );
    const page = capture.queries.find((q) => /order by/i.test(q.sql)) as CompiledQuery;
    expect(page, 'the page query ran').toBeDefined();
    if (TEST_DIALECT === 'sqlite') {
      const plan = await t.db.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`EXPLAIN QUERY PLAN ${page.sql}`, [...page.parameters]),
      );
      expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(/VIRTUAL TABLE/);
    } else {
      // A dozen rows are cheaper to scan; with scans priced out, the planner must be able to use the index.
      const plan = await t.db.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        return trx.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`EXPLAIN ${page.sql}`, [...page.parameters]),
        );
      });
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
        /Bitmap Index Scan on users_search_trgm/,
      );
    }
  });
});

describe.skipIf(TEST_DIALECT !== 'postgres')('PostgreSQL without the right to create extensions', () => {
  it('the migrations still succeed without pg_trgm, and search still answers (by a scan)', async () => {
    const suffix = randomBytes(6).toString('hex');
    const database = `gh_test_${suffix}`;
    const role = `gh_role_${suffix}`;
    const password = randomBytes(12).toString('hex');
    const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await server.connect();
    try {
      // A role that may create tables in the public schema but not extensions in the database.
      await server.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await server.query(`CREATE DATABASE ${database}`);
      const inDb = new pg.Client({ connectionString: databaseUrlFor(database) });
      await inDb.connect();
      await inDb.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
      await inDb.end();

      const url = new URL(databaseUrlFor(database));
      url.username = role;
      url.password = password;
      const handle = createDb({ kind: 'postgres', url: url.toString() }, { poolSize: 2 });
      try {
        await handle.migrate();
        expect(await handle.migrationsPending()).toBe(0);
        const ext = await sql<{
          n: string;
        }>`select count(*) as n from pg_extension where extname = 'pg_trgm'`.execute(handle.db);
        expect(Number(ext.rows[0]?.n)).toBe(0);
        const idx = await sql<{
          n: string;
        }>`select count(*) as n from pg_indexes where indexname = 'users_search_trgm'`.execute(handle.db);
        expect(Number(idx.rows[0]?.n)).toBe(0);

        const now = Date.now();
        for (const [i, name] of ['Wilhelmina Quartz', 'Someone Else'].entries()) {
          const email = `p${i}@noext.test`;
          await handle.db
            .insertInto('users')
            .values({
              id: `00000000-0000-4000-a000-00000000000${i}`,
              email,
              name,
              nameKey: name.toLowerCase(),
              search: `${email} ${name}`.toLowerCase(),
              role: 'member',
              status: 'active',
              passwordHash: null,
              passwordChangedAt: null,
              passwordExpiresAt: null,
              createdAt: now,
              updatedAt: now,
            })
            .execute();
        }
        const page = await listUsers(
          { db: handle.db, clock: systemClock },
          { q: 'quartz', sort: 'name', order: 'asc', limit: 10 },
        );
        expect(page.items.map((u) => u.name)).toEqual(['Wilhelmina Quartz']);
        expect(page.total).toBe(1);
        expect(
          (await listUsers({ db: handle.db, clock: systemClock }, { sort: 'name', order: 'asc', limit: 10 }))
            .total,
        ).toBe(2);
      } finally {
        await handle.close();
      }
    } finally {
      await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await server.query(`DROP ROLE IF EXISTS ${role}`);
      await server.end();
    }
  });
});
