import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../src/db/db.js';
import { randomSecret, sha256Hex } from '../../src/shared/crypto.js';
import { databaseUrlFor, TEST_DIALECT } from '../database.js';
import {
  call,
  openDatabase,
  PASSWORD,
  seedUser,
  signIn,
  startGatehouse,
  type GatehouseProcess,
} from './process.js';

/**
 * SEC-BF-06 (issue 19): two real `gatehouse serve` processes on one PostgreSQL, node B's own clock
 * running 120 s ahead (CLOCK_OFFSET_SECONDS_FOR_TESTING, as after an NTP failure or a VM resumed
 * from suspend). Every decision on a stored time must come out the same on both nodes, because the
 * database's clock makes it. Each expiry is checked on both sides of the database's "now": with 60 s
 * left by the database's clock (node B, on its own clock, would already see it 60 s past), and 60 s
 * past (refused on both). The times are moved in the database, never by sleeping.
 *
 * SQLite is one process with one clock (docs/DEPLOYMENT.md), so there is no skew between nodes to
 * test: on the SQLite run this file's tests are skipped, and say why.
 */
const PG = TEST_DIALECT === 'postgres';
const SKEW_S = 120;
/** Slack for the time between reading the database's clock here and a node reading it. */
const SLACK_MS = 5_000;

let nodeA: GatehouseProcess;
let nodeB: GatehouseProcess;
let handle: DbHandle;
let cleanup: () => Promise<void> = async () => undefined;
let adminA: string;
let adminB: string;
let seq = 0;

async function newUser() {
  seq += 1;
  return seedUser(handle, { email: `skew${seq}@example.test`, name: `Skew ${seq}` });
}

/** The database's time, as the nodes read it. */
async function dbNow(): Promise<number> {
  const result = await sql<{
    now: string;
  }>`select (extract(epoch from clock_timestamp()) * 1000)::bigint as now`.execute(handle.db);
  return Number(result.rows[0]?.now);
}

const wrong = (base: string, email: string) =>
  call(base, 'POST', '/api/v1/auth/sign-in', { body: { email, password: 'not the password at all 1' } });
const right = (base: string, email: string, password = PASSWORD) =>
  call(base, 'POST', '/api/v1/auth/sign-in', { body: { email, password } });

describe.skipIf(!PG)(
  'SEC-BF-06: two nodes on one PostgreSQL, one clock 120 s ahead (skipped on SQLite: one process, one clock)',
  () => {
    beforeAll(async () => {
      const name = `gh_test_skew_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const databaseUrl = databaseUrlFor(name);
      cleanup = async () => {
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
      handle = openDatabase(databaseUrl);
      await handle.migrate();
      [nodeA, nodeB] = await Promise.all([
        startGatehouse({ databaseUrl }),
        // Skewed past the default limit, node B is never ready; it still answers, and must decide alike.
        startGatehouse({
          databaseUrl,
          env: { CLOCK_OFFSET_SECONDS_FOR_TESTING: String(SKEW_S) },
          waitFor: '/healthz',
        }),
      ]);
      const admin1 = await seedUser(handle, {
        email: 'admin@example.test',
        name: 'Ada Admin',
        role: 'admin',
      });
      [adminA, adminB] = await Promise.all([
        signIn(nodeA.url, admin1.email, admin1.password),
        signIn(nodeB.url, admin1.email, admin1.password),
      ]);
    }, 120_000);

    afterAll(async () => {
      await Promise.all([nodeA?.stop(), nodeB?.stop()]);
      await handle?.close();
      await cleanup();
    });

    it('SEC-BF-06: /readyz reports each node offset from the database; the skewed node answers 503 past the 30 s default and logs a warning', async () => {
      const a = await call(nodeA.url, 'GET', '/readyz');
      expect(a.status).toBe(200);
      expect(a.body.clock.status).toBe('ok');
      expect(a.body.clock.limitMs).toBe(30_000);
      expect(Math.abs(a.body.clock.offsetMs)).toBeLessThan(SLACK_MS);

      const b = await call(nodeB.url, 'GET', '/readyz');
      expect(b.status).toBe(503);
      expect(b.body.status).toBe('unavailable');
      expect(b.body.database).toBe('ok');
      expect(b.body.clock.status).toBe('skewed');
      expect(b.body.clock.limitMs).toBe(30_000);
      expect(Math.abs(b.body.clock.offsetMs - SKEW_S * 1000)).toBeLessThan(SLACK_MS);
      expect(nodeB.output()).toContain('CLOCK_SKEW_LIMIT_SECONDS');
      expect(nodeB.output()).toMatch(/"offsetMs":1[12]\d{4}/);
      // Liveness is another matter: the skewed process is alive.
      expect((await call(nodeB.url, 'GET', '/healthz')).status).toBe(200);
    });

    it('SEC-BF-06: a lockout set through either node holds on the other, and ends at the same moment for both', async () => {
      // Locked through the node on time, tried on the fast one (the attack of issue 19), and the reverse.
      for (const [lockVia, tryVia] of [
        [nodeA, nodeB],
        [nodeB, nodeA],
      ] as const) {
        const user = await newUser();
        for (let i = 0; i < 10; i++) expect((await wrong(lockVia.url, user.email)).status).toBe(401);
        const before = await dbNow();
        for (const node of [tryVia, lockVia]) {
          const refused = await right(node.url, user.email);
          expect(refused.status).toBe(401);
          expect(refused.body.error.code).toBe('invalid_credentials');
        }
        // Written with the database's time, whichever node counted: 1 minute from now, not 3.
        const row = await handle.db
          .selectFrom('accountThrottle')
          .select('lockedUntil')
          .where('key', '=', user.email)
          .executeTakeFirstOrThrow();
        expect(Number(row.lockedUntil) - before).toBeLessThanOrEqual(60_000);
        expect(Number(row.lockedUntil) - before).toBeGreaterThan(60_000 - SLACK_MS * 2);
      }

      // 60 s left by the database's clock (node B's own clock says it ended 60 s ago): still locked on both.
      const user = await newUser();
      for (let i = 0; i < 10; i++) expect((await wrong(nodeA.url, user.email)).status).toBe(401);
      const setLock = async (offsetMs: number) =>
        handle.db
          .updateTable('accountThrottle')
          .set({ lockedUntil: (await dbNow()) + offsetMs })
          .where('key', '=', user.email)
          .execute();
      await setLock(60_000);
      expect((await right(nodeB.url, user.email)).status).toBe(401);
      expect((await right(nodeA.url, user.email)).status).toBe(401);
      // Ended by the database's clock: the right password works through either node.
      await setLock(-1_000);
      expect((await right(nodeB.url, user.email)).status).toBe(200);
      expect((await right(nodeA.url, user.email)).status).toBe(200);
    });

    it('SEC-BF-06: a reset link is judged by the database clock on both nodes: usable with 60 s left, refused once expired', async () => {
      const user = await newUser();
      const issued = await call(nodeB.url, 'POST', `/api/v1/users/${user.id}/password-reset-link`, {
        cookie: adminB,
        body: { send: false },
      });
      expect(issued.status).toBe(200);
      // Issued through the fast node, it still lasts 24 h from the database's "now".
      expect(Math.abs(Date.parse(issued.body.expiresAt) - (await dbNow()) - 24 * 3_600_000)).toBeLessThan(
        SLACK_MS,
      );
      const token = new URL(issued.body.link as string).searchParams.get('token') ?? '';
      const expireIn = async (offsetMs: number) =>
        handle.db
          .updateTable('passwordResetTokens')
          .set({ expiresAt: (await dbNow()) + offsetMs })
          .where('tokenHash', '=', sha256Hex(token))
          .execute();
      const status = (node: GatehouseProcess) =>
        call(node.url, 'GET', `/api/v1/auth/reset-password/status?token=${encodeURIComponent(token)}`);

      await expireIn(60_000);
      expect((await status(nodeB)).status).toBe(200);
      expect((await status(nodeA)).status).toBe(200);

      await expireIn(-60_000);
      for (const node of [nodeA, nodeB]) {
        const checked = await status(node);
        expect(checked.status).toBe(400);
        expect(checked.body.error.code).toBe('invalid_token');
        const redeemed = await call(node.url, 'POST', '/api/v1/auth/reset-password', {
          body: { token, newPassword: 'copper meadow signal 2031 softly' },
        });
        expect(redeemed.status).toBe(400);
        expect(redeemed.body.error.code).toBe('invalid_token');
      }
      // Nothing changed: the old password still works.
      expect((await right(nodeA.url, user.email)).status).toBe(200);
    });

    it('SEC-BF-06: an invitation is judged by the database clock on both nodes: open with 60 s left, refused once expired', async () => {
      const invited = await call(nodeB.url, 'POST', '/api/v1/invitations', {
        cookie: adminB,
        body: { email: 'invitee@example.test', role: 'member' },
      });
      expect(invited.status).toBe(201);
      const id: string = invited.body.invitation.id;
      expect(
        Math.abs(Date.parse(invited.body.invitation.expiresAt) - (await dbNow()) - 72 * 3_600_000),
      ).toBeLessThan(SLACK_MS);
      // The link went out by mail; the test gives the invitation a secret it knows instead.
      const token = randomSecret(32);
      const expireIn = async (offsetMs: number) =>
        handle.db
          .updateTable('invitations')
          .set({ tokenHash: sha256Hex(token), expiresAt: (await dbNow()) + offsetMs })
          .where('id', '=', id)
          .execute();
      const lookup = (node: GatehouseProcess) =>
        call(node.url, 'GET', `/api/v1/invitations/lookup?token=${encodeURIComponent(token)}`);

      await expireIn(60_000);
      for (const node of [nodeB, nodeA]) {
        const open = await lookup(node);
        expect(open.status).toBe(200);
        expect(open.body.email).toBe('invitee@example.test');
      }
      const listed = await call(nodeB.url, 'GET', '/api/v1/invitations', { cookie: adminB });
      expect(listed.body.items.find((i: { id: string }) => i.id === id).status).toBe('pending');

      await expireIn(-60_000);
      for (const node of [nodeA, nodeB]) {
        const closed = await lookup(node);
        expect(closed.status).toBe(400);
        expect(closed.body.error.code).toBe('invalid_token');
        const accepted = await call(node.url, 'POST', '/api/v1/invitations/accept', {
          body: { token, name: 'Ivy Invitee', password: 'copper meadow signal 2031 softly' },
        });
        expect(accepted.status).toBe(400);
        expect(accepted.body.error.code).toBe('invalid_token');
      }
      const relisted = await call(nodeA.url, 'GET', '/api/v1/invitations', { cookie: adminA });
      expect(relisted.body.items.find((i: { id: string }) => i.id === id).status).toBe('expired');
    });

    it('SEC-BF-06: a temporary password is judged by the database clock on both nodes: accepted with 60 s left, refused once expired', async () => {
      const user = await newUser();
      const reset = await call(nodeB.url, 'POST', `/api/v1/users/${user.id}/password`, {
        cookie: adminB,
        body: { generate: true },
      });
      expect(reset.status).toBe(200);
      const temporary: string = reset.body.generatedPassword;
      // Set through the fast node, it still lasts TEMP_PASSWORD_HOURS (72) from the database's "now".
      const row = await handle.db
        .selectFrom('users')
        .select('passwordExpiresAt')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(Math.abs(Number(row.passwordExpiresAt) - (await dbNow()) - 72 * 3_600_000)).toBeLessThan(
        SLACK_MS,
      );
      const expireIn = async (offsetMs: number) =>
        handle.db
          .updateTable('users')
          .set({ passwordExpiresAt: (await dbNow()) + offsetMs })
          .where('id', '=', user.id)
          .execute();

      await expireIn(60_000);
      for (const node of [nodeB, nodeA]) {
        const signedIn = await right(node.url, user.email, temporary);
        expect(signedIn.status).toBe(200);
        expect(signedIn.body.passwordChangeRequired).toBe(true);
      }
      await expireIn(-60_000);
      for (const node of [nodeA, nodeB]) {
        const refused = await right(node.url, user.email, temporary);
        expect(refused.status).toBe(401);
        expect(refused.body.error.code).toBe('invalid_credentials');
      }
    });

    it('SEC-BF-06: session idle and absolute timeouts and API token expiry are judged by the database clock on both nodes', async () => {
      const user = await newUser();
      const idleMs = 30 * 60_000; // SESSION_IDLE_MINUTES' default
      const sessionOf = async (cookie: string) => {
        const secret = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
        return sha256Hex(secret);
      };
      const setSession = async (cookie: string, values: { idleLeftMs?: number; absoluteLeftMs?: number }) => {
        const now = await dbNow();
        await handle.db
          .updateTable('sessions')
          .set({
            ...(values.idleLeftMs === undefined ? {} : { lastSeenAt: now - idleMs + values.idleLeftMs }),
            ...(values.absoluteLeftMs === undefined ? {} : { expiresAt: now + values.absoluteLeftMs }),
          })
          .where('tokenHash', '=', await sessionOf(cookie))
          .execute();
      };
      const me = (node: GatehouseProcess, options: { cookie?: string; bearer?: string }) =>
        call(node.url, 'GET', '/api/v1/me', options);

      // Idle: 60 s left by the database's clock → alive on both (node B's own clock says 60 s past).
      const c1 = await signIn(nodeA.url, user.email, user.password);
      await setSession(c1, { idleLeftMs: 60_000 });
      expect((await me(nodeB, { cookie: c1 })).status).toBe(200);
      await setSession(c1, { idleLeftMs: 60_000 });
      expect((await me(nodeA, { cookie: c1 })).status).toBe(200);
      // Idle past the limit: each node refuses its own such session.
      const c2 = await signIn(nodeB.url, user.email, user.password);
      await setSession(c1, { idleLeftMs: -60_000 });
      await setSession(c2, { idleLeftMs: -60_000 });
      expect((await me(nodeA, { cookie: c1 })).status).toBe(401);
      expect((await me(nodeB, { cookie: c2 })).status).toBe(401);

      // Absolute: the same on both sides of the database's "now".
      const c3 = await signIn(nodeA.url, user.email, user.password);
      const c4 = await signIn(nodeA.url, user.email, user.password);
      await setSession(c3, { absoluteLeftMs: 60_000 });
      expect((await me(nodeB, { cookie: c3 })).status).toBe(200);
      expect((await me(nodeA, { cookie: c3 })).status).toBe(200);
      await setSession(c3, { absoluteLeftMs: -60_000 });
      await setSession(c4, { absoluteLeftMs: -60_000 });
      expect((await me(nodeA, { cookie: c3 })).status).toBe(401);
      expect((await me(nodeB, { cookie: c4 })).status).toBe(401);

      // A session started through the fast node is stamped with the database's time.
      const c5 = await signIn(nodeB.url, user.email, user.password);
      const started = await handle.db
        .selectFrom('sessions')
        .select(['createdAt', 'lastSeenAt'])
        .where('tokenHash', '=', await sessionOf(c5))
        .executeTakeFirstOrThrow();
      expect(Math.abs(Number(started.createdAt) - (await dbNow()))).toBeLessThan(SLACK_MS);

      // API token expiry.
      const created = await call(nodeB.url, 'POST', '/api/v1/me/tokens', {
        cookie: c5,
        body: { name: 'ci' },
      });
      expect(created.status).toBe(201);
      const token: string = created.body.token;
      const expireIn = async (offsetMs: number) =>
        handle.db
          .updateTable('apiTokens')
          .set({ expiresAt: (await dbNow()) + offsetMs })
          .where('id', '=', created.body.info.id)
          .execute();
      await expireIn(60_000);
      expect((await me(nodeB, { bearer: token })).status).toBe(200);
      expect((await me(nodeA, { bearer: token })).status).toBe(200);
      await expireIn(-60_000);
      expect((await me(nodeA, { bearer: token })).status).toBe(401);
      expect((await me(nodeB, { bearer: token })).status).toBe(401);
    });

    it('SEC-BF-06: the per-IP limit is counted across both nodes, and its window closes at the same moment for both', async () => {
      const key = 'forgotPasswordPerIp:127.0.0.1';
      await handle.db.deleteFrom('rateCounters').where('key', '=', key).execute();
      const forgot = (node: GatehouseProcess, n: number) =>
        call(node.url, 'POST', '/api/v1/auth/forgot-password', {
          body: { email: `nobody${n}@example.test` },
        });
      // 10 an hour per IP (SEC-BF-04), alternating nodes as a round-robin balancer would.
      for (let i = 0; i < 10; i++) expect((await forgot(i % 2 === 0 ? nodeA : nodeB, i)).status).toBe(202);
      for (const node of [nodeA, nodeB]) {
        const limited = await forgot(node, 99);
        expect(limited.status).toBe(429);
        expect(limited.body.error.code).toBe('rate_limited');
      }

      const windowEndsIn = async (offsetMs: number) =>
        handle.db
          .updateTable('rateCounters')
          .set({ windowStart: (await dbNow()) - 3_600_000 + offsetMs })
          .where('key', '=', key)
          .execute();
      // 60 s of the window left by the database's clock (node B's own clock says it closed 60 s ago).
      await windowEndsIn(60_000);
      for (const node of [nodeB, nodeA]) {
        const limited = await forgot(node, 98);
        expect(limited.status).toBe(429);
        const retryAfter = Number(limited.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(50);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      // Closed by the database's clock: a new window on either node.
      await windowEndsIn(-1_000);
      expect((await forgot(nodeA, 97)).status).toBe(202);
      expect((await forgot(nodeB, 96)).status).toBe(202);
      const row = await handle.db
        .selectFrom('rateCounters')
        .select(['count', 'windowStart'])
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      expect(Number(row.count)).toBe(2);
      expect(Math.abs(Number(row.windowStart) - (await dbNow()))).toBeLessThan(SLACK_MS);
    });
  },
);
