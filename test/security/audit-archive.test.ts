import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  archiveAuditEvents,
  planArchive,
  recordAuditEvent,
  recordStandaloneEvent,
  verifyArchiveFile,
  verifyAuditChain,
} from '../../src/modules/audit/index.js';
import { cliContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { freshDatabase, TEST_DIALECT } from '../database.js';
import { runGatehouse } from '../cli/run.js';

/*
 * Audit retention (issue 10, item 5; SEC-AUD-02; ADR 0006): `gatehouse audit archive --before <date>`
 * moves the oldest events into a file that verifies on its own, records a hash-chained checkpoint,
 * and is the only way events leave the table; `gatehouse audit verify` continues from the checkpoint.
 * Tests that run `gatehouse` get 3 minutes: each process compiles the CLI with tsx, which takes
 * seconds on a busy shared machine.
 */

const DAY = 24 * 3_600_000;
const JAN_1 = Date.UTC(2026, 0, 1);

function gatehouse(args: string[], databaseUrl: string, cwd: string) {
  return runGatehouse(args, { cwd, env: { DATABASE_URL: databaseUrl, HASH_CONCURRENCY: '1' } });
}

/** A database another process can open (a SQLite file, or a fresh PostgreSQL database), with a log to archive. */
async function world() {
  const workdir = mkdtempSync(join(tmpdir(), 'gatehouse-archive-'));
  const database = await freshDatabase(
    TEST_DIALECT === 'sqlite' ? { sqlitePath: join(workdir, 'gatehouse.sqlite') } : {},
  );
  afterAll(async () => {
    await database.drop();
    rmSync(workdir, { recursive: true, force: true });
  });
  const clock = new ManualClock(JAN_1);
  const deps = { db: database.handle.db, clock };
  /** `n` events, one a minute, starting at the clock's time. */
  const events = async (n: number, action = 'test.event') => {
    for (let i = 0; i < n; i += 1) {
      await recordStandaloneEvent(deps, cliContext(), { action, details: { i, text: `=cmd ${i}` } });
      clock.advance(60_000);
    }
  };
  const ids = async () =>
    (await deps.db.selectFrom('auditEvents').select('id').orderBy('id').execute()).map((r) => Number(r.id));
  const cli = (...args: string[]) => gatehouse(args, database.url, workdir);
  return { workdir, deps, clock, events, ids, cli, db: database.handle.db };
}

describe('SEC-AUD-02: audit retention through archives and checkpoints', () => {
  it('SEC-AUD-02: audit archive --before writes a file that verifies on its own, records a checkpoint and removes exactly those events; audit verify continues from the checkpoint', async () => {
    const w = await world();
    await w.events(30); // January 1st
    w.clock.advance(10 * DAY - 30 * 60_000);
    await w.events(5); // January 11th
    const before = await w.ids();
    expect(before).toHaveLength(35);

    const archived = await w.cli('audit', 'archive', '--before', '2026-01-05', '--out', 'jan.jsonl');
    expect(archived.stderr).toBe('');
    expect(archived.code).toBe(0);
    expect(archived.stdout).toMatch(
      /^archived 30 events \(#1 to #30\) to .*jan\.jsonl; checkpoint [0-9a-f]{16}…\n$/,
    );
    // Only the archived events left the table.
    expect(await w.ids()).toEqual(before.slice(30));
    const [checkpoint] = await w.db.selectFrom('auditCheckpoints').selectAll().execute();
    expect(checkpoint).toMatchObject({ fromId: 0, throughId: 30, eventCount: 30 });

    // The file holds the events exactly as they were stored, then the checkpoint.
    const lines = readFileSync(join(w.workdir, 'jan.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(32);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      type: 'event',
      id: 1,
      action: 'test.event',
      at: JAN_1,
    });
    expect(JSON.parse(lines[31] ?? '')).toMatchObject({
      type: 'checkpoint',
      throughId: 30,
      hash: checkpoint?.hash,
    });

    const file = await w.cli('audit', 'verify', '--archive', 'jan.jsonl');
    expect(file.stdout).toMatch(
      /^ok: archive of 30 events \(#1 to #30\), chain intact, checkpoint [0-9a-f]{16}… recorded in the database\n$/,
    );
    expect(file.code).toBe(0);
    const log = await w.cli('audit', 'verify');
    expect(log.stdout).toBe(
      'ok: 5 events, chain intact (continuing from the archive checkpoint after event #30; 30 earlier events archived)\n',
    );
    expect(log.code).toBe(0);

    // New events keep chaining; archiving everything (through the service this time) leaves an empty
    // table that still links on.
    await w.events(3);
    const everything = await planArchive(w.deps, Date.UTC(2027, 0, 1));
    expect(everything).toMatchObject({ fromId: 30, throughId: 38 });
    if (!everything) return;
    expect(await archiveAuditEvents(w.deps, everything, join(w.workdir, 'rest.jsonl'))).toMatchObject({
      eventCount: 8,
    });
    expect(await w.ids()).toEqual([]);
    expect(await verifyAuditChain(w.deps)).toEqual({
      ok: true,
      count: 0,
      archived: { checkpoints: 2, events: 38, throughId: 38 },
    });
    await w.events(2);
    expect(await verifyAuditChain(w.deps)).toEqual({
      ok: true,
      count: 2,
      archived: { checkpoints: 2, events: 38, throughId: 38 },
    });
    expect(await verifyArchiveFile(w.deps, join(w.workdir, 'rest.jsonl'))).toMatchObject({
      ok: true,
      count: 8,
      fromId: 30,
      throughId: 38,
      recorded: true,
    });

    // Nothing older is left: the command says so and writes nothing.
    const none = await w.cli('audit', 'archive', '--before', '2026-01-05');
    expect(none.stdout).toBe(
      'nothing to archive: no event before 2026-01-05T00:00:00.000Z is left in the log\n',
    );
    expect(none.code).toBe(0);
  }, 180_000);

  it('SEC-AUD-02: the database lets only archived events go: other DELETEs, every UPDATE and any change to a checkpoint are refused', async () => {
    const w = await world();
    await w.events(10);
    const plan = await planArchive(w.deps, JAN_1 + 4 * 60_000 + 1);
    expect(plan).toMatchObject({ fromId: 0, throughId: 5 });
    if (!plan) return;
    // Before a checkpoint covers them, even the events an archive would take cannot be deleted.
    await expect(sql`delete from audit_events where id = 1`.execute(w.db)).rejects.toThrow(/append-only/);
    await archiveAuditEvents(w.deps, plan, join(w.workdir, 'a.jsonl'));
    expect(await w.ids()).toEqual([6, 7, 8, 9, 10]);

    await expect(sql`delete from audit_events where id = 6`.execute(w.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(w.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_events set details = '{}' where id = 7`.execute(w.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`update audit_checkpoints set through_id = 9`.execute(w.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_checkpoints`.execute(w.db)).rejects.toThrow(/append-only/);
    expect(await w.ids()).toEqual([6, 7, 8, 9, 10]);
    expect(await verifyAuditChain(w.deps)).toMatchObject({ ok: true, count: 5 });
  });

  it('SEC-AUD-02: a checkpoint forged behind the app (to drop events without an archive) is named by audit verify', async () => {
    const w = await world();
    await w.events(6);
    const rows = await w.db.selectFrom('auditEvents').selectAll().orderBy('id').execute();
    // Someone with database access records a checkpoint covering events 1–3, then deletes them.
    await w.db
      .insertInto('auditCheckpoints')
      .values({
        createdAt: w.clock.now(),
        fromId: 0,
        fromHashes: '{}',
        throughId: 3,
        lastHashes: JSON.stringify({ 0: rows[2]?.hash ?? '' }),
        eventCount: 3,
        eventsSha256: 'f'.repeat(64),
        prevCheckpointHash: '0'.repeat(64),
        hash: 'e'.repeat(64),
      })
      .execute();
    await sql`delete from audit_events where id <= 3`.execute(w.db);
    const run = await w.cli('audit', 'verify');
    expect(run.stdout).toBe('broken at event #3: checkpoint #1 does not match its hash\n');
    expect(run.code).toBe(1);
  }, 180_000);

  it('SEC-AUD-02: audit verify --archive names an edited event, a missing line or an edited checkpoint', async () => {
    const w = await world();
    await w.events(8);
    const plan = await planArchive(w.deps, JAN_1 + DAY);
    if (!plan) throw new Error('nothing planned');
    const path = join(w.workdir, 'all.jsonl');
    await archiveAuditEvents(w.deps, plan, path);
    const original = readFileSync(path, 'utf8');
    expect(await verifyArchiveFile(w.deps, path)).toMatchObject({ ok: true, count: 8, recorded: true });

    const variants: Array<[string, (lines: string[]) => string[], string]> = [
      [
        'edited event',
        (l) => l.map((line, i) => (i === 4 ? line.replace('"test.event"', '"test.other"') : line)),
        'event #4: event content does not match its hash',
      ],
      ['missing line', (l) => l.filter((_, i) => i !== 3), 'event #4: previous-hash link does not match'],
      [
        'edited checkpoint',
        (l) =>
          l.map((line, i) => (i === l.length - 1 ? line.replace('"eventCount":8', '"eventCount":7') : line)),
        'the checkpoint does not match the events',
      ],
      ['no checkpoint', (l) => l.slice(0, -1), 'the checkpoint line is missing'],
    ];
    for (const [name, edit, reason] of variants) {
      const edited = join(w.workdir, `${name.replace(' ', '-')}.jsonl`);
      writeFileSync(edited, `${edit(original.trimEnd().split('\n')).join('\n')}\n`);
      expect(await verifyArchiveFile(w.deps, edited), name).toEqual({ ok: false, reason });
    }
    // The command prints the same verdict and exits 1.
    const run = await w.cli('audit', 'verify', '--archive', 'edited-event.jsonl');
    expect(run.stdout).toBe('broken archive: event #4: event content does not match its hash\n');
    expect(run.code).toBe(1);
  }, 180_000);

  it('SEC-AUD-02: concurrent appends spread over chain lanes, each lane one unbroken chain; a quiet log stays on lane 0; archives carry every lane on', async () => {
    const w = await world();
    await w.events(3);
    // A transaction that holds a lane until it commits: on PostgreSQL the next append takes another lane.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside = () => {};
    const started = new Promise<void>((resolve) => (inside = resolve));
    const open =
      TEST_DIALECT === 'postgres'
        ? w.db.transaction().execute(async (trx) => {
            await recordAuditEvent(trx, w.clock, cliContext(), { action: 'test.held' });
            inside();
            await held;
          })
        : Promise.resolve(inside());
    await started;
    await recordStandaloneEvent(w.deps, cliContext(), { action: 'test.beside' });
    release();
    await open;
    // Many at once, through the pool.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        recordStandaloneEvent(w.deps, cliContext(), { action: 'test.burst', details: { i } }),
      ),
    );
    await w.events(2);
    const rows = await w.db
      .selectFrom('auditEvents')
      .select(['id', 'action', 'lane'])
      .orderBy('id')
      .execute();
    const laneOf = (action: string) => rows.find((r) => r.action === action)?.lane;
    expect(rows.slice(0, 3).map((r) => r.lane)).toEqual([0, 0, 0]);
    if (TEST_DIALECT === 'postgres') {
      expect(laneOf('test.held')).toBe(0);
      expect(laneOf('test.beside')).toBe(1);
    } else {
      expect(new Set(rows.map((r) => r.lane))).toEqual(new Set([0]));
    }
    expect(await verifyAuditChain(w.deps)).toEqual({ ok: true, count: rows.length });

    // Archive part of it: each lane of what remains continues from the checkpoint.
    const plan = await planArchive(w.deps, Number.MAX_SAFE_INTEGER);
    if (!plan) throw new Error('nothing planned');
    await archiveAuditEvents(
      w.deps,
      { ...plan, throughId: rows[20]?.id ?? 0 },
      join(w.workdir, 'lanes.jsonl'),
    );
    await recordStandaloneEvent(w.deps, cliContext(), { action: 'test.after' });
    expect(await verifyAuditChain(w.deps)).toMatchObject({ ok: true, count: rows.length - 21 + 1 });
    expect(await verifyArchiveFile(w.deps, join(w.workdir, 'lanes.jsonl'))).toMatchObject({
      ok: true,
      count: 21,
      recorded: true,
    });
  });

  it('SEC-AUD-02: audit archive refuses a bad date (exit 2), never overwrites a file, and archives nothing from a broken chain', async () => {
    const w = await world();
    await w.events(4);
    for (const bad of ['yesterday', '2026-13-01', '2026-01-01 00:00']) {
      const run = await w.cli('audit', 'archive', '--before', bad);
      expect(run.code, bad).toBe(2);
      expect(run.stderr, bad).toMatch(/^error: invalid_before: /);
    }
    writeFileSync(join(w.workdir, 'taken.jsonl'), 'keep me\n');
    const taken = await w.cli('audit', 'archive', '--before', '2027-01-01', '--out', 'taken.jsonl');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^error: file_exists: /);
    expect(readFileSync(join(w.workdir, 'taken.jsonl'), 'utf8')).toBe('keep me\n');

    // An event altered behind the app's back (triggers dropped): the archive stops and removes nothing.
    if (TEST_DIALECT === 'sqlite') await sql`drop trigger audit_events_no_update`.execute(w.db);
    else await sql`alter table audit_events disable trigger audit_events_no_change`.execute(w.db);
    await sql`update audit_events set details = '{"i":99}' where id = 2`.execute(w.db);
    const broken = await w.cli('audit', 'archive', '--before', '2027-01-01', '--out', 'broken.jsonl');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(
      'error: audit_chain_broken: event #2 does not match the chain; run audit verify\n',
    );
    expect(existsSync(join(w.workdir, 'broken.jsonl'))).toBe(false);
    expect(await w.ids()).toEqual([1, 2, 3, 4]);
    expect(await w.db.selectFrom('auditCheckpoints').select('id').execute()).toEqual([]);
  }, 180_000);
});
