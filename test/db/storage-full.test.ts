import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isStorageFull } from '../../src/db/errors.js';
import { buildTestApp, request, signedIn } from '../harness.js';

/*
 * Issue 18, item 9: a full disk. SQLite's own limit on the database's size (`max_page_count`) makes
 * the engine fail writes with SQLITE_FULL, "database or disk is full", exactly as a full disk does;
 * test/runtime/full-disk.test.ts does the same with a real 6 MB tmpfs where mounting is possible.
 */
const onSqlite = process.env.GATEHOUSE_TEST_DB !== 'postgres';

describe('a full disk', () => {
  it.runIf(onSqlite)(
    'SQLite: a write answers 507 storage_full and changes nothing; reads go on; /readyz says storage_full (503), logged once, until space is back (SQLite only: max_page_count)',
    async () => {
      const t = await buildTestApp();
      const { cookie } = await signedIn(t, 'admin');
      const before = await request(t, cookie, { method: 'GET', url: '/api/v1/users' });
      expect(before.statusCode).toBe(200);

      const pages = await sql<{ page_count: number }>`pragma page_count`.execute(t.db.db);
      const pageCount = Number(Object.values(pages.rows[0] ?? {})[0]);
      await sql.raw(`pragma max_page_count = ${pageCount}`).execute(t.db.db);

      // Writes go on while free pages last; then each one fails, and none of them half-done.
      const write = (i: number) =>
        request(t, cookie, {
          method: 'POST',
          url: '/api/v1/users',
          payload: {
            email: `full-${i}@example.com`,
            name: 'Full Disk',
            role: 'member',
            generatePassword: true,
          },
        });
      let acknowledged = 0;
      let refused = 0;
      for (let i = 0; i < 500 && refused < 3; i++) {
        const res = await write(i);
        if (res.statusCode === 201) {
          expect(refused, 'no write succeeds once the disk is full').toBe(0);
          acknowledged += 1;
          continue;
        }
        expect(res.statusCode).toBe(507);
        expect(res.json().error.code).toBe('storage_full');
        expect(res.json().error.message).toMatch(/free space/);
        refused += 1;
      }
      expect(refused).toBe(3);
      const during = await request(t, cookie, { method: 'GET', url: '/api/v1/users' });
      expect(during.statusCode).toBe(200);
      // Every acknowledged write is there; no refused one is.
      expect(during.json().total).toBe(before.json().total + acknowledged);

      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable', database: 'storage_full' });
      const logged = t.logs.filter((line) => line.includes('database storage is full'));
      expect(logged).toHaveLength(1);

      // Space comes back: the next probe (readyz, at most every 2 s) finds that writes work again.
      await sql.raw('pragma max_page_count = 1073741823').execute(t.db.db);
      t.clock.advance(2_000);
      const back = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(back.statusCode).toBe(200);
      expect(t.logs.filter((line) => line.includes('database storage has space again'))).toHaveLength(1);
      const after = await request(t, cookie, {
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: 'after@example.com', name: 'After Full', role: 'member', generatePassword: true },
      });
      expect(after.statusCode).toBe(201);
    },
  );

  it("PostgreSQL's disk_full (SQLSTATE 53100) and SQLite's SQLITE_FULL are both a full disk; other errors are not", () => {
    expect(isStorageFull({ code: '53100' })).toBe(true);
    expect(isStorageFull({ code: 'ERR_SQLITE_ERROR', errcode: 13 })).toBe(true);
    expect(isStorageFull({ code: '23505' })).toBe(false);
    expect(isStorageFull({ code: 'ERR_SQLITE_ERROR', errcode: 2067 })).toBe(false);
    expect(isStorageFull(new Error('boom'))).toBe(false);
  });
});
