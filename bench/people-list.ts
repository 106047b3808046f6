/**
 * `npx tsx bench/people-list.ts [--quick]` (issue 14 item 6): Manage users' one list of users and
 * pending invitations (GET /api/v1/people's service) on SQLite with 100,000 users and 100,000 pending
 * invitations (quick: 20,000 of each). For each sort and order it times the first page and a walk of
 * the next 20 pages by cursor (keyset on each side, no OFFSET): a deep page must cost what the first
 * one does. In process, on a file database, as the server runs it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createDb } from '../src/db/db.js';
import { listPeople } from '../src/modules/people/index.js';
import { systemClock } from '../src/shared/clock.js';
import { inTransaction, seedSqlite } from './lib/seed.js';

const QUICK = process.argv.includes('--quick');
const N = QUICK ? 20_000 : 100_000;
const PAGES = 20;
const LIMIT = 25;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const max = (xs: number[]) => Math.max(...xs);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-people-'));
  const path = join(dir, 'gatehouse.sqlite');
  try {
    const handle = createDb({ kind: 'sqlite', path });
    await handle.migrate();
    await handle.close();
    seedSqlite(path, N, 'not a real hash');
    const raw = new DatabaseSync(path);
    const insert = raw.prepare(
      `INSERT INTO invitations (id, email, role, name, inviter_id, inviter_name, token_hash, status, created_at, expires_at)
       VALUES (?, ?, ?, ?, NULL, 'Bench', ?, 'pending', ?, ?)`,
    );
    const now = Date.now();
    inTransaction(raw, () => {
      for (let i = 0; i < N; i += 1) {
        // Half with a name; creation times spread over the last 60 hours, many equal (a bulk import).
        insert.run(
          randomUUID(),
          `invitee.${i}@invited.example`,
          i % 3 === 0 ? 'viewer' : 'member',
          i % 2 === 0 ? `Invitee ${i}` : null,
          randomUUID(),
          now - Math.floor(i / 50) * 60_000,
          now + 72 * 3_600_000,
        );
      }
    });
    raw.exec('ANALYZE');
    raw.close();

    const db = createDb({ kind: 'sqlite', path });
    const ctx = { db: db.db, clock: systemClock };
    console.log(
      `people list: ${N.toLocaleString('en')} users + ${N.toLocaleString('en')} pending invitations, SQLite, limit ${LIMIT}`,
    );
    console.log('| sort | first page ms | next 20 pages: median ms | max ms |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const sort of ['name', 'email', 'createdAt', 'lastSignInAt'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        // Warm the statement cache once, as a running server would have it.
        await listPeople(ctx, { sort, order, limit: LIMIT });
        let started = performance.now();
        let page = await listPeople(ctx, { sort, order, limit: LIMIT });
        const first = performance.now() - started;
        const times: number[] = [];
        for (let i = 0; i < PAGES && page.nextCursor; i += 1) {
          started = performance.now();
          page = await listPeople(ctx, { sort, order, limit: LIMIT, cursor: page.nextCursor });
          times.push(performance.now() - started);
        }
        console.log(
          `| ${sort} ${order} | ${first.toFixed(1)} | ${median(times).toFixed(1)} | ${max(times).toFixed(1)} |`,
        );
      }
    }
    const started = performance.now();
    await listPeople(ctx, { q: 'invitee 4242', sort: 'name', order: 'asc', limit: LIMIT });
    console.log(`search "invitee 4242" (both sides): ${(performance.now() - started).toFixed(1)} ms`);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
