/**
 * preparedQuery (src/db/prepared.ts): a query compiled once and run with new values must answer
 * exactly what the same query built afresh answers, on both databases, inside and outside a
 * transaction, with the plugins' result mapping (camelCase keys) still applied.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle, Executor } from '../../src/db/db.js';
import { preparedQuery } from '../../src/db/prepared.js';
import { freshDatabase, TEST_DIALECT } from '../database.js';

let handle: DbHandle;
let drop: () => Promise<void>;

const rows = [
  { key: 'a@example.test', failures: 3, lockedUntil: 5_000, lastFailureAt: 1_000 },
  { key: 'b@example.test', failures: 10, lockedUntil: 9_000, lastFailureAt: 2_000 },
  { key: 'c@example.test', failures: 1, lockedUntil: null, lastFailureAt: 3_000 },
];

const lockedAfter = preparedQuery((exec: Executor, key: string, now: number) =>
  exec
    .selectFrom('accountThrottle')
    .select(['key', 'failures', 'lockedUntil'])
    .where('key', '=', key)
    .where('lockedUntil', '>', now)
    .where('failures', '>', 0),
);

const fresh = (exec: Executor, key: string, now: number) =>
  exec
    .selectFrom('accountThrottle')
    .select(['key', 'failures', 'lockedUntil'])
    .where('key', '=', key)
    .where('lockedUntil', '>', now)
    .where('failures', '>', 0)
    .execute();

beforeAll(async () => {
  ({ handle, drop } = await freshDatabase());
  await handle.db.insertInto('accountThrottle').values(rows).execute();
});

afterAll(async () => {
  await drop();
});

describe('preparedQuery, on the database of the pass', () => {
  it('answers what the same query built afresh answers, for every value tried, with camelCase keys', async () => {
    const cases: Array<[string, number]> = [
      ['a@example.test', 0],
      ['a@example.test', 5_000],
      ['b@example.test', 4_000],
      ['c@example.test', 0],
      ['nobody@example.test', 0],
    ];
    for (const [key, now] of cases) {
      const prepared = await lockedAfter(handle.db, key, now);
      expect(prepared, `${key} at ${now}`).toEqual(await fresh(handle.db, key, now));
    }
    expect(await lockedAfter(handle.db, 'b@example.test', 4_000)).toEqual([
      { key: 'b@example.test', failures: 10, lockedUntil: 9_000 },
    ]);
    expect(await lockedAfter(handle.db, 'a@example.test', 5_000)).toEqual([]);
  });

  it('runs inside a transaction and sees its uncommitted writes', async () => {
    await handle.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('accountThrottle')
        .set({ lockedUntil: 50_000 })
        .where('key', '=', 'c@example.test')
        .execute();
      expect(await lockedAfter(trx, 'c@example.test', 10_000)).toEqual([
        { key: 'c@example.test', failures: 1, lockedUntil: 50_000 },
      ]);
    });
    expect(await lockedAfter(handle.db, 'c@example.test', 10_000)).toHaveLength(1);
  });

  it.runIf(TEST_DIALECT === 'postgres')(
    'on PostgreSQL (only there: SQLite has no server-side statements) it runs as a named prepared statement, planned once per connection',
    async () => {
      // One transaction pins one pooled connection for both queries.
      const names = await handle.db.transaction().execute(async (trx) => {
        await lockedAfter(trx, 'b@example.test', 4_000);
        await lockedAfter(trx, 'a@example.test', 0);
        const { rows } = await sql<{
          name: string;
          statement: string;
        }>`select name, statement from pg_prepared_statements`.execute(trx);
        return rows;
      });
      const ours = names.filter((r) => r.statement.includes('"account_throttle"'));
      expect(ours).toHaveLength(1);
      expect(ours[0]?.name).toMatch(/^gatehouse_\d+$/);
    },
  );

  it('refuses a builder that does not use one of its values as a parameter', async () => {
    const unused = preparedQuery((exec: Executor, _key: string) =>
      exec.selectFrom('accountThrottle').select('key'),
    );
    await expect(unused(handle.db, 'a@example.test')).rejects.toThrow(/value 0 is not a parameter/);
  });
});
