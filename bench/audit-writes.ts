/**
 * `npm run bench:audit`: what an audited write costs on PostgreSQL with the hash chain, under
 * concurrency (issue 10, item 5). A durable embedded PostgreSQL 15 (fsync on, as `npm run bench`
 * starts it); 1, 2 or 4 "nodes" (each its own pool of 10 connections, as `gatehouse serve` opens)
 * append standalone events through the real `recordStandaloneEvent` (one transaction: a chain
 * lane's advisory lock, the lane's last hash, the insert, the commit) from 1 to 64 concurrent callers
 * in all. The same load through one global chain (the design before lanes: one lock, the log's last
 * hash; written to a lane of its own, 99, so it does not disturb the real lanes) and without any chain
 * (the insert alone in its own transaction) show what the lock costs. Prints events/s and latency percentiles per row; see docs/audit-log.md.
 *
 *   npm run bench:audit                  about 2 minutes
 *   npm run bench:audit -- --seconds 3   shorter runs
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type DbHandle } from '../src/db/db.js';
import { sql } from 'kysely';
import { recordStandaloneEvent } from '../src/modules/audit/index.js';
import { chainHash } from '../src/modules/audit/audit.service.js';
import { systemClock } from '../src/shared/clock.js';
import type { ActorContext } from '../src/shared/context.js';
import { describeMachine } from './lib/machine.js';
import { startPostgres } from './lib/postgres.js';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SECONDS = Number(option('--seconds') ?? 5);

const actor: ActorContext = {
  actorId: 'b3c1f7a2-0000-4000-8000-000000000001',
  actorLabel: 'bench@example.test',
  ip: '203.0.113.7',
  userAgent: 'bench/1.0',
  requestId: 'bench',
};

type Write = (db: DbHandle) => Promise<void>;

const chained: Write = (db) =>
  recordStandaloneEvent({ db: db.db, clock: systemClock }, actor, {
    action: 'bench.event',
    outcome: 'denied',
    details: { method: 'GET', route: '/api/v1/users' },
  });

/** As before lanes: one global lock held until commit, linking to the newest event of the whole log. */
const oneChain: Write = (db) =>
  db.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(7207001)`.execute(trx);
    const last = await trx
      .selectFrom('auditEvents')
      .select('hash')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const row = {
      at: Date.now(),
      action: 'bench.one_chain',
      outcome: 'denied' as const,
      actorId: actor.actorId,
      actorLabel: actor.actorLabel,
      targetId: null,
      targetLabel: null,
      ip: actor.ip,
      userAgent: actor.userAgent,
      requestId: actor.requestId,
      details: '{"method":"GET","route":"/api/v1/users"}',
    };
    const prevHash = last?.hash ?? '0'.repeat(64);
    await trx
      .insertInto('auditEvents')
      .values({ ...row, lane: 99, prevHash, hash: chainHash(prevHash, row) })
      .execute();
  });

/** The same row and transaction without the chain: no lock, no previous hash. */
const unchained: Write = (db) =>
  db.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('auditEvents')
      .values({
        at: Date.now(),
        action: 'bench.unchained',
        outcome: 'denied',
        actorId: actor.actorId,
        actorLabel: actor.actorLabel,
        targetId: null,
        targetLabel: null,
        ip: actor.ip,
        userAgent: actor.userAgent,
        requestId: actor.requestId,
        details: '{"method":"GET","route":"/api/v1/users"}',
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      })
      .execute();
  });

interface Row {
  kind: string;
  nodes: number;
  callers: number;
  perSecond: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function measure(kind: string, write: Write, nodes: DbHandle[], callers: number): Promise<Row> {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      const node = nodes[i % nodes.length] as DbHandle;
      while (performance.now() < until) {
        const started = performance.now();
        await write(node);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    kind,
    nodes: nodes.length,
    callers,
    perSecond: Math.round(latencies.length / SECONDS),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-audit-'));
// As root, PostgreSQL runs as `postgres`, which must be able to enter the work dir (as bench/run.ts does).
chmodSync(work, 0o755);
const server = await startPostgres(work);
try {
  const url = await server.createDatabase('bench_audit');
  const first = createDb({ kind: 'postgres', url });
  await first.migrate();
  const nodes = [first, ...Array.from({ length: 3 }, () => createDb({ kind: 'postgres', url }))];
  // Warm the pools and the table.
  for (const node of nodes) for (let i = 0; i < 20; i += 1) await chained(node);

  const rows: Row[] = [];
  for (const [nodeCount, callers] of [
    [1, 1],
    [1, 4],
    [1, 16],
    [2, 32],
    [4, 64],
  ] as const) {
    for (const [kind, write] of [
      ['lanes (now)', chained],
      ['one chain (before)', oneChain],
      ['no chain', unchained],
    ] as const) {
      const row = await measure(kind, write, nodes.slice(0, nodeCount), callers);
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
  const machine = describeMachine();
  console.log(
    `\nAudited writes on PostgreSQL 15 (durable), ${SECONDS} s per row; ${machine.cpu}, ${machine.cores} cores, ` +
      `node ${machine.node}, load ${machine.loadAtStart} at the start\n`,
  );
  console.log('| write | nodes | concurrent callers | events/s | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.kind} | ${r.nodes} | ${r.callers} | ${r.perSecond} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
    );
  }
  for (const node of nodes) await node.close();
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
