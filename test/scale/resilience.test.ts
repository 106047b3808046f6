import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { DbHandle } from '../../src/db/db.js';
import { verifyAuditChain } from '../../src/modules/audit/index.js';
import { enqueue } from '../../src/modules/mail/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { freshDatabase, TEST_DIALECT } from '../database.js';
import { startSmtpCapture, type SmtpCapture } from '../smtp.js';
import {
  call,
  canConnect,
  seedUser,
  signIn,
  sleep,
  startGatehouse,
  type GatehouseProcess,
  type Reply,
} from './process.js';
import { settingsOf } from '../settings.js';

/** The long mixed load (issue 6, item 4): `GATEHOUSE_SOAK_SECONDS=300 npm test -- test/scale/resilience.test.ts`. */
const SOAK_SECONDS = Number(process.env.GATEHOUSE_SOAK_SECONDS ?? 0);

/**
 * Resilience (issue 6, item 4), with real `gatehouse serve` processes:
 * - `kill -9` under a write load loses no acknowledged write;
 * - a short mixed load (the CI version of the benchmark's 5-minute soak) answers no 5xx and does not grow;
 * - SIGTERM drains the requests in flight, stops the mail dispatcher cleanly and exits 0;
 * (A PostgreSQL restart during load is in postgres-restart.test.ts.)
 * They share one database (a SQLite file, or a fresh PostgreSQL database): the process
 * restarted after the kill is the one that then carries the mixed load and receives the SIGTERM.
 */
const PG = TEST_DIALECT === 'postgres';

let handle: DbHandle;
let databaseUrl: string;
let drop: () => Promise<void>;
let dir: string;
let smtp: SmtpCapture;
let admin: { id: string; email: string; password: string };
/** The server the later tests use: the one restarted after the kill (or a new one if that test failed). */
let server: GatehouseProcess | undefined;
const started: GatehouseProcess[] = [];

async function start(): Promise<GatehouseProcess> {
  const proc = await startGatehouse({
    databaseUrl,
    // The mixed load runs several admin resets at once from one admin session; the per-session hash
    // share (SEC-PS-02, 4 by default) would answer some of them 429, which is not what this load tests.
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Gatehouse <no-reply@example.test>',
      HASH_QUEUE_PER_CREDENTIAL: '64',
    },
  });
  started.push(proc);
  return proc;
}

async function liveServer(): Promise<GatehouseProcess> {
  server ??= await start();
  return server;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-resilience-'));
  const fresh = await freshDatabase(PG ? {} : { sqlitePath: join(dir, 'gatehouse.sqlite') });
  handle = fresh.handle;
  databaseUrl = fresh.url;
  drop = fresh.drop;
  smtp = await startSmtpCapture();
  admin = await seedUser(handle, { email: 'admin@example.test', name: 'Ada Admin', role: 'admin' });
}, 60_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await drop?.();
  await smtp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`one Gatehouse process on ${PG ? 'PostgreSQL' : 'a SQLite file'}: crashes, load and shutdown`, () => {
  it(
    'kill -9 of the server under a write load loses no acknowledged write; the restarted server sees each one',
    { timeout: 150_000 },
    async () => {
      const first = await start();
      const cookie = await signIn(first.url, admin.email, admin.password);

      interface Acked {
        id: string;
        email: string;
        name: string | null;
      }
      const acked: Acked[] = [];
      /** Anything but the expected answer before the kill; checked once the load has stopped. */
      const unexpected: string[] = [];
      let stop = false;
      let killedAt = 0;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i += 1) {
          const email = `load-${w}-${i}@example.test`;
          try {
            const created = await call(first.url, 'POST', '/api/v1/users', {
              cookie,
              body: { email, name: `Load ${w} ${i}`, role: 'member', generatePassword: true },
            });
            if (created.status !== 201) {
              unexpected.push(`create: ${created.status} ${created.text}`);
              return;
            }
            const entry: Acked = { id: created.body.user.id, email, name: null };
            acked.push(entry);
            const renamed = await call(first.url, 'PATCH', `/api/v1/users/${entry.id}`, {
              cookie,
              body: { name: `Renamed ${w} ${i}` },
            });
            if (renamed.status !== 200) {
              unexpected.push(`rename: ${renamed.status} ${renamed.text}`);
              return;
            }
            entry.name = `Renamed ${w} ${i}`;
          } catch (error) {
            // After the kill every request fails (reset, refused): those were never acknowledged.
            if (killedAt === 0) unexpected.push(`before the kill: ${(error as Error).message}`);
            return;
          }
        }
      };
      const workers = Promise.all([0, 1, 2, 3].map(worker));
      const loadStart = Date.now();
      while (Date.now() - loadStart < 8_000 && !(acked.length >= 12 && Date.now() - loadStart >= 2_500))
        await sleep(50);
      killedAt = Date.now();
      process.kill(first.pid, 'SIGKILL');
      stop = true;
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await workers;
      expect(unexpected).toEqual([]);
      expect(acked.length, 'writes acknowledged before the kill').toBeGreaterThanOrEqual(5);

      server = await start();
      const adminCookie = await signIn(server.url, admin.email, admin.password);
      for (const entry of acked) {
        const seen = await call(server.url, 'GET', `/api/v1/users/${entry.id}`, { cookie: adminCookie });
        expect(seen.status, entry.email).toBe(200);
        expect(seen.body.email).toBe(entry.email);
        if (entry.name) expect(seen.body.name).toBe(entry.name);
      }
      // Nothing half-done: each user the load created has its audit event, and the chain is whole.
      const users = await handle.db
        .selectFrom('users')
        .select('id')
        .where('email', 'like', 'load-%')
        .execute();
      const created = await handle.db
        .selectFrom('auditEvents')
        .select('targetId')
        .where('action', '=', 'user.created')
        .execute();
      const audited = new Set(created.map((e) => e.targetId));
      for (const u of users) expect(audited.has(u.id), u.id).toBe(true);
      expect(await verifyAuditChain({ db: handle.db })).toMatchObject({ ok: true });
      console.info(
        `kill -9: ${acked.length} acknowledged creates, ${users.length} users in the database after restart`,
      );
    },
  );

  it(
    `${SOAK_SECONDS > 0 ? `a ${SOAK_SECONDS}-second` : 'a short'} mixed load (sign-ins, user list pages, admin resets, invitations) answers no 5xx; RSS ${SOAK_SECONDS > 0 ? 'grows ≤ 10 % after a minute of warm-up' : 'stays under 400 MiB (the ≤ 10 % growth check is the long run: npm run bench:soak)'}`,
    { timeout: 150_000 + SOAK_SECONDS * 1000 },
    async () => {
      const node = await liveServer();
      const people = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          seedUser(handle, { email: `soak${i}@example.test`, name: `Soak Person ${i}` }),
        ),
      );
      const targets = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          seedUser(handle, { email: `reset${i}@example.test`, name: `Reset Target ${i}` }),
        ),
      );
      const cookie = await signIn(node.url, admin.email, admin.password);
      const statuses = new Map<string, number>();
      const serverErrors: string[] = [];
      const networkErrors: string[] = [];
      const unexpected: string[] = [];
      let invitations = 0;
      const tally = (op: string, reply: Reply, ok: number[]) => {
        statuses.set(`${op} ${reply.status}`, (statuses.get(`${op} ${reply.status}`) ?? 0) + 1);
        if (reply.status >= 500) serverErrors.push(`${op}: ${reply.status} ${reply.text}`);
        else if (!ok.includes(reply.status)) unexpected.push(`${op}: ${reply.status} ${reply.text}`);
      };
      const ops: Array<() => Promise<void>> = [
        async () => {
          const p = people[Math.floor(Math.random() * people.length)]!;
          tally(
            'sign-in',
            await call(node.url, 'POST', '/api/v1/auth/sign-in', {
              body: { email: p.email, password: p.password },
            }),
            [200],
          );
        },
        async () => {
          const first = await call(node.url, 'GET', '/api/v1/users?limit=10&sort=email', { cookie });
          tally('list', first, [200]);
          if (first.body?.nextCursor) {
            const next = await call(
              node.url,
              'GET',
              `/api/v1/users?limit=10&sort=email&cursor=${encodeURIComponent(first.body.nextCursor)}`,
              { cookie },
            );
            tally('list-next', next, [200]);
          }
        },
        async () =>
          tally('search', await call(node.url, 'GET', '/api/v1/users?q=soak&role=member', { cookie }), [200]),
        async () => {
          const t = targets[Math.floor(Math.random() * targets.length)]!;
          tally(
            'reset',
            await call(node.url, 'POST', `/api/v1/users/${t.id}/password`, {
              cookie,
              body: { generate: true },
            }),
            [200],
          );
        },
        async () => {
          invitations += 1;
          const email = `soak-invite-${invitations}-${randomBytes(3).toString('hex')}@example.test`;
          tally(
            'invite',
            await call(node.url, 'POST', '/api/v1/invitations', { cookie, body: { email, role: 'viewer' } }),
            [201],
          );
        },
      ];

      // npm test runs the short version; GATEHOUSE_SOAK_SECONDS=300 the long one (issue 6, item 4).
      // V8 sizes its heap over the first minute or so (RSS rose 177 → 276 MiB and fell back to
      // 228 MiB in a 2-minute run), so only the long run can tell growth from a leak.
      const WARM_UP_MS = SOAK_SECONDS > 0 ? 60_000 : 6_000;
      const MEASURE_MS = SOAK_SECONDS > 0 ? SOAK_SECONDS * 1000 : 18_000;
      const began = Date.now();
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const op = ops[Math.floor(Math.random() * ops.length)]!;
          try {
            await op();
          } catch (error) {
            networkErrors.push((error as Error).message);
          }
        }
      };
      const workers = Promise.all(Array.from({ length: 6 }, worker));
      const samples: Array<{ at: number; kb: number }> = [];
      while (Date.now() - began < WARM_UP_MS + MEASURE_MS) {
        await sleep(500);
        samples.push({ at: Date.now() - began, kb: node.rssKb() });
      }
      stop = true;
      await workers;

      // RSS swings by about 40 MiB as the two 19 MiB argon2id buffers come and go, so single readings
      // are noise: compare the peak of the first window after warm-up with the peak of the last one.
      const WINDOW_MS = SOAK_SECONDS > 0 ? 30_000 : 6_000;
      const peak = (from: number, to: number) =>
        Math.max(...samples.filter((s) => s.at >= from && s.at < to).map((s) => s.kb));
      const afterWarmUp = peak(WARM_UP_MS, WARM_UP_MS + WINDOW_MS);
      const atEnd = peak(WARM_UP_MS + MEASURE_MS - WINDOW_MS, Infinity);
      const total = [...statuses.values()].reduce((a, b) => a + b, 0);
      const mib = (kb: number) => `${Math.round(kb / 1024)} MiB`;
      console.info(
        `mixed load: ${total} requests in ${(WARM_UP_MS + MEASURE_MS) / 1000} s; ${JSON.stringify(Object.fromEntries(statuses))}; ` +
          `peak RSS after warm-up ${mib(afterWarmUp)}, at the end ${mib(atEnd)} (${((atEnd / afterWarmUp - 1) * 100).toFixed(1)} %); ` +
          `readings ${mib(Math.min(...samples.map((s) => s.kb)))} to ${mib(Math.max(...samples.map((s) => s.kb)))}; ` +
          `peak per 10 s: ${Array.from({ length: Math.ceil((WARM_UP_MS + MEASURE_MS) / 10_000) }, (_, i) => mib(peak(i * 10_000, (i + 1) * 10_000))).join(' ')}`,
      );
      expect(serverErrors).toEqual([]);
      expect(networkErrors).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(total).toBeGreaterThan(50);
      if (SOAK_SECONDS > 0) expect(atEnd / afterWarmUp).toBeLessThanOrEqual(1.1);
      else expect(Math.max(...samples.map((s) => s.kb))).toBeLessThanOrEqual(400 * 1024);
      expect(node.output()).not.toContain('unhandled error');
    },
  );

  it(
    'SIGTERM drains the sign-ins in flight, stops the mail dispatcher cleanly, refuses new connections and exits 0',
    { timeout: 150_000 },
    async () => {
      const node = await liveServer();
      const people = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          seedUser(handle, { email: `drain${i}@example.test`, name: `Drain Person ${i}` }),
        ),
      );
      // A backlog the dispatcher is busy sending when the signal comes.
      const BACKLOG = 1_000;
      const before = smtp.messages.length;
      const config = loadConfig({ PUBLIC_URL: 'http://localhost:8080' });
      await handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < BACKLOG; i += 1) {
          await enqueue(
            { trx, clock: systemClock, config, settings: settingsOf(config) },
            { to: `drain-mail-${i}@example.test`, template: 'test' },
          );
        }
      });
      await smtp.waitFor(before + 1, 10_000);

      // 20 slow requests (production argon2id, two at a time): 10 right passwords, 10 unknown addresses
      // (one verify each, too). Together they keep the server busy for about a second here.
      const inFlight = [
        ...people.map((p) => ({ email: p.email, password: p.password, expected: 200 })),
        ...Array.from({ length: 10 }, (_, i) => ({
          email: `nobody${i}@example.test`,
          password: 'not the password at all',
          expected: 401,
        })),
      ].map((attempt) =>
        call(node.url, 'POST', '/api/v1/auth/sign-in', {
          body: { email: attempt.email, password: attempt.password },
        }).then(
          (reply) => ({ expected: attempt.expected, status: reply.status, error: null as string | null }),
          (error: Error) => ({ expected: attempt.expected, status: 0, error: error.message }),
        ),
      );
      let settled = 0;
      const done = new Set<number>();
      inFlight.forEach((p, i) =>
        p.then(() => {
          settled += 1;
          done.add(i);
        }),
      );
      // Wait until the server holds every one: each sign-in counts its attempt against the account in
      // the database before its password is checked (and a success clears that row again).
      const emails = [
        ...people.map((p) => p.email),
        ...Array.from({ length: 10 }, (_, i) => `nobody${i}@example.test`),
      ];
      const deadline = Date.now() + 15_000;
      for (;;) {
        const rows = await handle.db
          .selectFrom('accountThrottle')
          .select('key')
          .where('key', 'in', emails)
          .execute();
        const counted = new Set(rows.map((r) => r.key));
        if (emails.every((email, i) => done.has(i) || counted.has(email))) break;
        if (Date.now() > deadline)
          throw new Error(`the server did not take up every sign-in (settled ${settled})`);
        await sleep(10);
      }

      const signalledAt = Date.now();
      process.kill(node.pid, 'SIGTERM');
      // The listener closes at once: new connections are refused while the old requests still run.
      let refusedAt = 0;
      while (Date.now() - signalledAt < 5_000) {
        if (!(await canConnect(node.port))) {
          refusedAt = Date.now();
          break;
        }
        await sleep(5);
      }
      const pendingWhenRefused = inFlight.length - settled;

      const results = await Promise.all(inFlight);
      const exit = await node.exited;
      const exitMs = Date.now() - signalledAt;
      console.info(
        `SIGTERM: connections refused after ${refusedAt - signalledAt} ms with ${pendingWhenRefused} requests still in flight; ` +
          `exited ${exitMs} ms after the signal; ${smtp.messages.length - before} of ${BACKLOG} mails sent before it stopped`,
      );
      expect(refusedAt, 'new connections refused after SIGTERM').toBeGreaterThan(0);
      expect(
        pendingWhenRefused,
        'requests still in flight when new connections were already refused',
      ).toBeGreaterThan(0);
      for (const r of results)
        expect({ status: r.status, error: r.error }).toEqual({ status: r.expected, error: null });
      expect(exit).toEqual({ code: 0, signal: null });
      expect(exitMs).toBeLessThan(5_000);

      // The dispatcher stopped after the message it was sending, not after the backlog: the rest is
      // queued again (no claim left behind, no attempt counted) for the next start or another node,
      // and each message it did send is marked sent, once.
      const rows = await handle.db
        .selectFrom('mailOutbox')
        .select(['status', 'toAddress', 'attempts'])
        .where('toAddress', 'like', 'drain-mail-%')
        .execute();
      const sent = rows
        .filter((r) => r.status === 'sent')
        .map((r) => r.toAddress)
        .sort();
      const rest = rows.filter((r) => r.status !== 'sent');
      expect(rest.length, 'messages left for later').toBeGreaterThan(0);
      for (const r of rest)
        expect({ status: r.status, attempts: r.attempts }).toEqual({ status: 'queued', attempts: 0 });
      const delivered = smtp.messages
        .flatMap((m) => m.rcptTo)
        .filter((a) => a.startsWith('drain-mail-'))
        .sort();
      expect(delivered).toEqual(sent);
      expect(node.output()).not.toContain('unhandled error');
      expect(node.output()).not.toContain('mail dispatcher pass failed');
      server = undefined;
    },
  );
});
