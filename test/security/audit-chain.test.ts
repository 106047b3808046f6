import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig } from '../../src/config/config.js';
import type { DbHandle } from '../../src/db/db.js';
import { csvCell, EXPORT_PAGE_SIZE } from '../../src/modules/audit/audit.export.js';
import { chainHash } from '../../src/modules/audit/audit.service.js';
import { recordStandaloneEvent, verifyAuditChain } from '../../src/modules/audit/index.js';
import { createArgon2Hasher } from '../../src/modules/passwords/index.js';
import { createUser, type UsersCtx } from '../../src/modules/users/index.js';
import { cliContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { freshDatabase, TEST_DIALECT } from '../database.js';
import {
  buildTestApp,
  request,
  seedUser,
  sessionCookieOf,
  signedIn,
  signIn,
  STRONG_PASSWORD,
  TEST_ARGON2,
  type TestApp,
} from '../harness.js';
import { testSecretBox } from '../secrets.js';
import { runGatehouse } from '../cli/run.js';
import { settingsOf } from '../settings.js';

/**
 * SEC-AUD-02: the audit log is append-only and hash-chained; `verifyAuditChain` and
 * `gatehouse audit verify` name the first broken link after the database is edited behind the app's
 * back; no API route edits or deletes events; the export is faithful and its CSV cannot smuggle
 * spreadsheet formulas.
 */

const CONTENT_MISMATCH = 'event content does not match its hash';
const LINK_MISMATCH = 'previous-hash link does not match';

interface PresentedEvent {
  id: number;
  at: string;
  action: string;
  outcome: string;
  actor: { id: string | null; label: string };
  target: { id: string | null; label: string | null };
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** Runs `gatehouse <args>` as an operator would: a real process, configured only by the environment. */
function gatehouse(
  args: string[],
  databaseUrl: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runGatehouse(args, { cwd, env: { DATABASE_URL: databaseUrl, HASH_CONCURRENCY: '1' } });
}

/**
 * The real app on a database another process can open too: a temporary SQLite FILE (an in-memory
 * database is private to its connection) or a fresh PostgreSQL database. Closed after the file.
 */
async function buildSharedApp(): Promise<{
  app: FastifyInstance;
  db: DbHandle;
  url: string;
  workdir: string;
  deps: UsersCtx;
}> {
  const workdir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  const database = await freshDatabase(
    TEST_DIALECT === 'sqlite' ? { sqlitePath: join(workdir, 'gatehouse.sqlite') } : {},
  );
  const clock = new ManualClock(Date.now());
  const config = loadConfig({ PUBLIC_URL: 'http://localhost:8080', LOG_LEVEL: 'info' });
  const hasher = createArgon2Hasher(TEST_ARGON2, 4);
  const app = await buildApp({
    config,
    database: database.handle,
    clock,
    hasher,
    secrets: testSecretBox(),
    logStream: new Writable({ write: (_chunk, _enc, done) => done() }),
  });
  await app.ready();
  afterAll(async () => {
    await app.close();
    await database.drop();
    rmSync(workdir, { recursive: true, force: true });
  });
  const deps = { db: database.handle.db, clock, hasher, config, settings: settingsOf(config) };
  return { app, db: database.handle, url: database.url, workdir, deps };
}

async function eventIds(db: DbHandle): Promise<number[]> {
  const rows = await db.db.selectFrom('auditEvents').select('id').orderBy('id', 'asc').execute();
  return rows.map((r) => Number(r.id));
}

describe('SEC-AUD-02: the hash chain, verified by the service and by `gatehouse audit verify`', () => {
  let shared: Awaited<ReturnType<typeof buildSharedApp>>;
  let ids: number[];
  const cli = () => gatehouse(['audit', 'verify'], shared.url, shared.workdir);

  beforeAll(async () => {
    shared = await buildSharedApp();
    const { app } = shared;
    // A realistic log: accounts created, sign-ins that work and fail, a rename, a role change, a deactivation.
    await createUser(shared.deps, cliContext(), {
      email: 'chain-admin@example.test',
      name: 'Chain Admin',
      role: 'admin',
      password: { password: STRONG_PASSWORD },
      temporary: false,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'chain-admin@example.test', password: STRONG_PASSWORD },
    });
    const cookie = sessionCookieOf(res);
    for (let i = 0; i < 3; i += 1) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { cookie },
        payload: {
          email: `chain-${i}@example.test`,
          name: `Chain ${i}`,
          role: 'member',
          generatePassword: true,
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ user: { id: string } }>().user.id;
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: `chain-${i}@example.test`, password: 'not the password at all' },
      });
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${id}`,
        headers: { cookie },
        payload: { name: `Renamed ${i}` },
      });
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${id}`,
        headers: { cookie },
        payload: { role: 'viewer' },
      });
      if (i === 2)
        await app.inject({ method: 'POST', url: `/api/v1/users/${id}/deactivate`, headers: { cookie } });
    }
    ids = await eventIds(shared.db);
    expect(ids.length).toBeGreaterThanOrEqual(15);
  });

  it('SEC-AUD-02: a fresh log verifies: the service and the CLI agree on every event', async () => {
    expect(await verifyAuditChain(shared.deps)).toEqual({ ok: true, count: ids.length });
    const run = await cli();
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`ok: ${ids.length} events, chain intact\n`);
    expect(run.code).toBe(0);
  });

  it('SEC-AUD-02: the database itself refuses UPDATE and DELETE on audit_events', async () => {
    const middle = ids[Math.floor(ids.length / 2)] as number;
    await expect(
      sql`update audit_events set details = '{}' where id = ${middle}`.execute(shared.db.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where id = ${middle}`.execute(shared.db.db)).rejects.toThrow(
      /append-only/,
    );
    expect(await eventIds(shared.db)).toEqual(ids);
    expect(await verifyAuditChain(shared.deps)).toEqual({ ok: true, count: ids.length });
  });

  /** What an attacker with database access does first: switch the append-only triggers off. */
  async function disableAppendOnly(): Promise<void> {
    if (TEST_DIALECT === 'postgres') {
      await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change`.execute(shared.db.db);
    } else {
      await sql`DROP TRIGGER IF EXISTS audit_events_no_update`.execute(shared.db.db);
      await sql`DROP TRIGGER IF EXISTS audit_events_no_delete`.execute(shared.db.db);
    }
  }

  async function row(id: number) {
    return shared.db.db.selectFrom('auditEvents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  it('SEC-AUD-02: one altered row is named by its id, by the service and the CLI (details), and by the service (actor label)', async () => {
    await disableAppendOnly();
    const victim = ids[Math.floor(ids.length / 2)] as number;
    const original = await row(victim);

    await sql`update audit_events set details = ${'{"note":"nothing happened here"}'} where id = ${victim}`.execute(
      shared.db.db,
    );
    expect(await verifyAuditChain(shared.deps)).toEqual({
      ok: false,
      count: ids.indexOf(victim),
      brokenAt: victim,
      reason: CONTENT_MISMATCH,
    });
    const run = await cli();
    expect(run.stdout).toBe(`broken at event #${victim}: ${CONTENT_MISMATCH}\n`);
    expect(run.code).toBe(1);

    // Put it back exactly: the chain is whole again (the hash covers the content, nothing else).
    await sql`update audit_events set details = ${original.details} where id = ${victim}`.execute(
      shared.db.db,
    );
    expect(await verifyAuditChain(shared.deps)).toEqual({ ok: true, count: ids.length });

    // Blame someone else for an event: the actor label is covered too. The first event, this time.
    const first = ids[0] as number;
    const firstRow = await row(first);
    await sql`update audit_events set actor_label = ${'someone-else@example.test'} where id = ${first}`.execute(
      shared.db.db,
    );
    expect(await verifyAuditChain(shared.deps)).toEqual({
      ok: false,
      count: 0,
      brokenAt: first,
      reason: CONTENT_MISMATCH,
    });
    await sql`update audit_events set actor_label = ${firstRow.actorLabel} where id = ${first}`.execute(
      shared.db.db,
    );
    expect(await verifyAuditChain(shared.deps)).toEqual({ ok: true, count: ids.length });
  });

  it("SEC-AUD-02: an edit that also recomputes the row's own hash breaks the next link, which is named", async () => {
    const victim = ids[3] as number;
    const original = await row(victim);
    // Turn a failure into a success (or the reverse), and give the row the hash of its new content.
    const outcome = original.outcome === 'failure' ? 'success' : 'failure';
    const forgedHash = chainHash(original.prevHash, { ...original, outcome });
    await sql`update audit_events set outcome = ${outcome}, hash = ${forgedHash} where id = ${victim}`.execute(
      shared.db.db,
    );
    const next = ids[4] as number;
    expect(await verifyAuditChain(shared.deps)).toEqual({
      ok: false,
      count: 4,
      brokenAt: next,
      reason: LINK_MISMATCH,
    });
    await sql`update audit_events set outcome = ${original.outcome}, hash = ${original.hash} where id = ${victim}`.execute(
      shared.db.db,
    );
    expect(await verifyAuditChain(shared.deps)).toEqual({ ok: true, count: ids.length });
  });

  it('SEC-AUD-02: a row deleted from the middle is found: the event after the gap is named', async () => {
    const gone = ids[Math.floor(ids.length / 2)] as number;
    const next = ids[ids.indexOf(gone) + 1] as number;
    await sql`delete from audit_events where id = ${gone}`.execute(shared.db.db);
    expect(await verifyAuditChain(shared.deps)).toEqual({
      ok: false,
      count: ids.indexOf(gone),
      brokenAt: next,
      reason: LINK_MISMATCH,
    });
    const run = await cli();
    expect(run.stdout).toBe(`broken at event #${next}: ${LINK_MISMATCH}\n`);
    expect(run.code).toBe(1);
  });
});

describe('SEC-AUD-02: no API route edits or deletes audit events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });

  it('SEC-AUD-02: the routes under /api/v1/audit-events read; the one POST is the (audited) export', () => {
    const audit = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1/audit-events'));
    expect(audit.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /api/v1/audit-events',
      'POST /api/v1/audit-events/export',
    ]);
    expect(audit.every((r) => r.access === 'admin')).toBe(true);
    // No other route touches the log either: nothing else with "audit" in its path takes a write method.
    const writes = t.app.routeTable.filter(
      (r) => /audit/i.test(r.url) && r.method !== 'GET' && r.url !== '/api/v1/audit-events/export',
    );
    expect(writes).toEqual([]);
  });

  it('SEC-AUD-02: an admin trying PATCH, PUT, DELETE or POST on events gets 404 and the log is unchanged', async () => {
    const admin = await signedIn(t, 'admin');
    const before = await t.db.db.selectFrom('auditEvents').selectAll().orderBy('id').execute();
    const first = before[0]?.id ?? 1;
    for (const method of ['PATCH', 'PUT', 'DELETE', 'POST'] as const) {
      for (const url of [
        '/api/v1/audit-events',
        `/api/v1/audit-events/${first}`,
        ...(method === 'POST' ? [] : ['/api/v1/audit-events/export']),
      ]) {
        const res = await request(t, admin.cookie, {
          method,
          url,
          ...(method === 'DELETE' ? {} : { payload: { details: {}, actor: 'nobody' } }),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
    }
    const after = await t.db.db.selectFrom('auditEvents').selectAll().orderBy('id').execute();
    expect(after).toEqual(before);
  });
});

/** RFC 4180: quoted cells, doubled quotes inside, CRLF between records (line breaks allowed in quoted cells). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      if (cell !== '') throw new Error(`stray quote in an unquoted cell at ${i}`);
      quoted = true;
    } else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i += 1;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      cell += c;
    }
    i += 1;
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

const FORMULA_START = /^[=+\-@\t\r]/;

describe('SEC-AUD-02: POST /api/v1/audit-events/export', () => {
  let t: TestApp;
  /** An admin whose own email starts with a formula character: it is the actor label of their events. */
  let admin: { id: string; email: string; cookie: string };
  let targetId: string;
  const evilUa = "=cmd|' /C calc'!A0";

  beforeAll(async () => {
    t = await buildTestApp();
    const seeded = await seedUser(t, { email: '-1@example.test', role: 'admin', name: '@SUM(1)' });
    admin = { ...seeded, cookie: await signIn(t, seeded.email, seeded.password) };

    // A user whose name is a formula, renamed through more formulas: every name lands in the log.
    const created = await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: '+1@example.test', name: evilUa, role: 'member', generatePassword: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    targetId = created.json<{ user: { id: string } }>().user.id;
    for (const name of ['@SUM(1)', '+1', '-1', 'Plain, "quoted" name']) {
      const res = await request(t, admin.cookie, {
        method: 'PATCH',
        url: `/api/v1/users/${targetId}`,
        payload: { name },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    // Free text an attacker controls without any account: the User-Agent of a failed sign-in, and the address typed.
    for (const [ua, email] of [
      [evilUa, '+1@example.test'],
      ['@SUM(1)', '-1@example.test'],
      ['+1', 'nobody@example.test'],
      ['-1', 'nobody@example.test'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'user-agent': ua },
        payload: { email, password: 'wrong password, certainly' },
      });
      expect(res.statusCode).toBe(401);
    }
  });

  /** The list's filters (`&target=…`) as the export's JSON body: the export is a POST (SEC-CSRF-01). */
  const exportOf = (format: string, query = '', cookie = admin.cookie) =>
    request(t, cookie, {
      method: 'POST',
      url: '/api/v1/audit-events/export',
      payload: { format, ...Object.fromEntries(new URLSearchParams(query)) },
    });

  /** The whole list as the API pages it (newest first), with the same filters. */
  async function fullList(query = ''): Promise<PresentedEvent[]> {
    const items: PresentedEvent[] = [];
    let cursor: number | null = null;
    do {
      const res: LightMyRequestResponse = await request(t, admin.cookie, {
        method: 'GET',
        url: `/api/v1/audit-events?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{ items: PresentedEvent[]; nextCursor: number | null }>();
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  function jsonLines(body: string): PresentedEvent[] {
    expect(body === '' || body.endsWith('\n')).toBe(true);
    return body
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as PresentedEvent);
  }

  it('SEC-AUD-02: admins only; anonymous 401, members and viewers 403 (and that refusal is itself audited)', async () => {
    expect((await exportOf('csv', '', '')).statusCode).toBe(401);
    for (const role of ['member', 'viewer'] as const) {
      const person = await signedIn(t, role);
      const res = await exportOf('jsonl', '', person.cookie);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
      const denied = await t.db.db
        .selectFrom('auditEvents')
        .selectAll()
        .where('action', '=', 'authorization.denied')
        .where('actorId', '=', person.id)
        .execute();
      expect(denied.map((e) => JSON.parse(e.details) as unknown)).toEqual([
        { method: 'POST', route: '/api/v1/audit-events/export' },
      ]);
    }
    const bad = await exportOf('xlsx');
    expect(bad.statusCode).toBe(400);
    expect(
      (await request(t, admin.cookie, { method: 'POST', url: '/api/v1/audit-events/export', payload: {} }))
        .statusCode,
    ).toBe(400);
    // The old GET (a link anyone could plant) runs nothing: there is no such route any more.
    for (const method of ['GET', 'HEAD'] as const) {
      const old = await request(t, admin.cookie, { method, url: '/api/v1/audit-events/export?format=csv' });
      expect(old.statusCode, method).toBe(404);
    }
    // Nothing was exported, so no export was recorded.
    const exported = await t.db.db
      .selectFrom('auditEvents')
      .select('id')
      .where('action', '=', 'audit.exported')
      .execute();
    expect(exported).toEqual([]);
  });

  it('SEC-AUD-02: the JSONL export parses line by line and is the list, oldest first; it is audited', async () => {
    const list = await fullList();
    const res = await exportOf('jsonl');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-events.jsonl"');
    expect(res.headers['cache-control']).toBe('no-store');
    const lines = jsonLines(res.body);
    expect(lines).toEqual([...list].reverse());

    // The export is audited, after the point it covers: the next list starts with it.
    const [latest] = await fullList();
    expect(latest).toMatchObject({
      action: 'audit.exported',
      outcome: 'success',
      actor: { id: admin.id, label: admin.email },
      details: { format: 'jsonl', upToId: list[0]?.id },
    });
  });

  it('SEC-AUD-02: the export takes the list filters (actor, target, action, since)', async () => {
    const filters = [
      `&target=${targetId}`,
      `&actor=${admin.id}`,
      '&action=user.renamed',
      `&action=user.renamed&target=${targetId}`,
      '&action=auth.sign_in',
      `&since=${encodeURIComponent(new Date(t.clock.now()).toISOString())}`,
      `&since=${encodeURIComponent(new Date(t.clock.now() + 60_000).toISOString())}`,
    ];
    for (const [n, query] of filters.entries()) {
      const list = await fullList(query);
      // Each filter but the last (a moment still to come) matches something.
      if (n < filters.length - 1) expect(list.length, query).toBeGreaterThan(0);
      else expect(list).toEqual([]);
      const res = await exportOf('jsonl', query);
      expect(res.statusCode, res.body).toBe(200);
      expect(jsonLines(res.body), query).toEqual([...list].reverse());
    }
    const renamed = jsonLines((await exportOf('jsonl', `&action=user.renamed&target=${targetId}`)).body);
    expect(renamed.map((e) => e.details)).toEqual([
      { from: evilUa, to: '@SUM(1)' },
      { from: '@SUM(1)', to: '+1' },
      { from: '+1', to: '-1' },
      { from: '-1', to: 'Plain, "quoted" name' },
    ]);
  });

  it('SEC-AUD-02: the CSV export neutralizes formula characters and quotes per RFC 4180; it reads back as the list', async () => {
    const list = [...(await fullList())].reverse();
    const res = await exportOf('csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-events.csv"');

    const [header, ...records] = parseCsv(res.body);
    expect(header).toEqual([
      'id',
      'at',
      'action',
      'outcome',
      'actor_id',
      'actor_label',
      'target_id',
      'target_label',
      'ip',
      'user_agent',
      'request_id',
      'details',
    ]);
    expect(records).toHaveLength(list.length);

    // No cell a spreadsheet would run: none starts with = + - @ TAB or CR.
    const risky = records.flat().filter((cell) => FORMULA_START.test(cell));
    expect(risky).toEqual([]);

    // The attacker-controlled values are there, neutralized with a leading apostrophe.
    const cells = new Set(records.flat());
    for (const value of [evilUa, '@SUM(1)', '+1', '-1', '-1@example.test', '+1@example.test']) {
      expect(cells.has(`'${value}`), value).toBe(true);
      expect(cells.has(value), value).toBe(false);
    }
    // In the raw text they sit in quoted cells; none of them opens a cell unneutralized.
    expect(res.body).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(res.body).not.toMatch(/(^|,)"?[=+\-@]/m);

    // Undo the neutralization and the quoting, and the CSV is exactly the list, oldest first.
    const restore = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
    const asList = records.map((r) => {
      const [
        id,
        at,
        action,
        outcome,
        actorId,
        actorLabel,
        targetIdCell,
        targetLabel,
        ip,
        ua,
        requestId,
        details,
      ] = r.map(restore);
      const orNull = (v: string | undefined) => (v === '' || v === undefined ? null : v);
      return {
        id: Number(id),
        at,
        action,
        outcome,
        actor: { id: orNull(actorId), label: actorLabel },
        target: { id: orNull(targetIdCell), label: orNull(targetLabel) },
        ip: orNull(ip),
        userAgent: orNull(ua),
        requestId: orNull(requestId),
        details: JSON.parse(details ?? '') as Record<string, unknown>,
      };
    });
    expect(asList).toEqual(list);
    // The renamed names, the commas and the quotes come back whole from the details cell.
    expect(asList.filter((e) => e.action === 'user.renamed').map((e) => e.details)).toContainEqual({
      from: '-1',
      to: 'Plain, "quoted" name',
    });
  });

  it('SEC-AUD-02: csvCell neutralizes each formula start (= + - @ TAB CR) and quotes every text cell', () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe(`"'=cmd|' /C calc'!A0"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-1')).toBe(`"'-1"`);
    expect(csvCell('@SUM(1)')).toBe(`"'@SUM(1)"`);
    expect(csvCell('\t=1+1')).toBe(`"'\t=1+1"`);
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
    expect(csvCell('a "quote", and a comma')).toBe(`"a ""quote"", and a comma"`);
    expect(csvCell('line\r\nbreak')).toBe(`"line\r\nbreak"`);
    expect(csvCell('1+1=2')).toBe(`"1+1=2"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it(`SEC-AUD-02: the export pages through the store (${EXPORT_PAGE_SIZE} at a time) without losing or repeating an event`, async () => {
    // Exactly one full page of them (a full page, then an empty one); with the others, the log spans two pages.
    const extra = EXPORT_PAGE_SIZE;
    // Appended as recordAuditEvent chains them (each row's prev_hash is the hash before it), but in
    // multi-row inserts so the file stays fast; verifyAuditChain below proves the rows are well chained.
    const last = await t.db.db
      .selectFrom('auditEvents')
      .select('hash')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    let prevHash = last?.hash ?? '0'.repeat(64);
    const rows = Array.from({ length: extra }, (_, i) => {
      const content = {
        at: t.clock.now(),
        action: 'test.bulk',
        outcome: 'success' as const,
        actorId: null,
        actorLabel: 'cli',
        targetId: null,
        targetLabel: i % 2 ? `=bulk ${i}` : `bulk ${i}`,
        ip: null,
        userAgent: 'gatehouse-cli',
        requestId: null,
        details: JSON.stringify({ i }),
      };
      const row = { ...content, prevHash, hash: chainHash(prevHash, content) };
      prevHash = row.hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += 200) {
      await t.db.db
        .insertInto('auditEvents')
        .values(rows.slice(i, i + 200))
        .execute();
    }
    // And one through the service on top of them: the app keeps chaining after the bulk rows.
    await recordStandaloneEvent(t.deps, cliContext(), { action: 'test.after_bulk' });
    const stored = (await t.db.db.selectFrom('auditEvents').select('id').orderBy('id').execute()).map((r) =>
      Number(r.id),
    );
    const jsonl = jsonLines((await exportOf('jsonl')).body);
    expect(jsonl.map((e) => e.id)).toEqual(stored);
    const bulk = jsonLines((await exportOf('jsonl', '&action=test.bulk')).body);
    expect(bulk.map((e) => e.details.i)).toEqual(Array.from({ length: extra }, (_, i) => i));

    const csv = parseCsv((await exportOf('csv', '&action=test.bulk')).body).slice(1);
    expect(csv).toHaveLength(extra);
    expect(csv.map((r) => r[7])).toEqual(
      Array.from({ length: extra }, (_, i) => (i % 2 ? `'=bulk ${i}` : `bulk ${i}`)),
    );
    // The log is still one unbroken chain after all of it.
    // (The three exports above added their own audit.exported events to it.)
    expect(await verifyAuditChain(t.deps)).toEqual({ ok: true, count: stored.length + 3 });
  });
});
