import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { DbHandle } from '../../src/db/db.js';
import { migrationProvider } from '../../src/db/migrations/index.js';
import { verifyAuditChain } from '../../src/modules/audit/index.js';
import { enqueue } from '../../src/modules/mail/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { databaseUrlFor, TEST_DIALECT } from '../database.js';
import { startSmtpCapture, type SmtpCapture } from '../smtp.js';
import {
  call,
  openDatabase,
  seedUser,
  signIn,
  sleep,
  startGatehouse,
  type GatehouseProcess,
} from './process.js';
import { settingsOf } from '../settings.js';

/**
 * Scale-out (issue 6, item 3): two real `gatehouse serve` processes on one database, as behind a
 * load balancer. Everything that must hold "on every node" lives in the database, so a session,
 * token, sign-out, deactivation, reset, lockout count, single-use token and outbox message is
 * checked by doing it on one node and looking from the other.
 *
 * On PostgreSQL the nodes start at the same moment on an empty database, so they also run the
 * migrations concurrently (Kysely's migration lock). On SQLite the same checks run with two
 * processes on one database file: SQLite is single-node by design (see docs/DEPLOYMENT.md), but
 * sessions, tokens, sign-out and counters live in the file, so they hold across processes too.
 * Each node sends mail to its own SMTP capture, so the outbox test also sees which node sent what.
 */
const PG = TEST_DIALECT === 'postgres';

let nodeA: GatehouseProcess;
let nodeB: GatehouseProcess;
let smtpA: SmtpCapture;
let smtpB: SmtpCapture;
let handle: DbHandle;
let cleanup: () => Promise<void> = async () => undefined;
let admin: { email: string; password: string };
let adminA: string;
let adminB: string;
let seq = 0;

async function newUser(role: 'member' | 'viewer' = 'member') {
  seq += 1;
  return seedUser(handle, { email: `person${seq}@example.test`, name: `Person ${seq}`, role });
}

beforeAll(async () => {
  smtpA = await startSmtpCapture();
  smtpB = await startSmtpCapture();
  let databaseUrl: string;
  if (PG) {
    // An empty database: both nodes migrate it at the same moment.
    const name = `gh_test_nodes_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databaseUrl = databaseUrlFor(name);
    cleanup = async () => {
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-nodes-'));
    databaseUrl = join(dir, 'gatehouse.sqlite');
    // SQLite has no migration lock across processes: migrate once, then start both.
    const first = openDatabase(databaseUrl);
    await first.migrate();
    await first.close();
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const env = (smtp: SmtpCapture) => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Gatehouse <no-reply@example.test>' });
  [nodeA, nodeB] = await Promise.all([
    startGatehouse({ databaseUrl, env: env(smtpA) }),
    startGatehouse({ databaseUrl, env: env(smtpB) }),
  ]);
  handle = openDatabase(databaseUrl);
  admin = await seedUser(handle, { email: 'admin@example.test', name: 'Ada Admin', role: 'admin' });
  [adminA, adminB] = await Promise.all([
    signIn(nodeA.url, admin.email, admin.password),
    signIn(nodeB.url, admin.email, admin.password),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await handle?.close();
  await cleanup();
  await smtpA?.stop();
  await smtpB?.stop();
});

describe(
  PG
    ? 'two server processes on one PostgreSQL database'
    : 'two server processes on one SQLite file (the cross-process checks that apply to a single-node SQLite deployment)',
  () => {
    it(
      PG
        ? 'two nodes started at once on an empty database both migrate it, each migration recorded once'
        : 'both nodes find every migration applied (run once before they started: SQLite has no cross-process migration lock)',
      async () => {
        const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          handle.db,
        );
        expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(await migrationProvider.getMigrations()));
        for (const node of [nodeA, nodeB]) {
          const ready = await call(node.url, 'GET', '/readyz');
          expect(ready.status).toBe(200);
          expect(ready.body.migrationsPending).toBe(0);
        }
      },
    );

    it('SEC-SES-06: a session made on node A works on node B; sign-out on B ends it on A at once', async () => {
      const user = await newUser();
      const cookie = await signIn(nodeA.url, user.email, user.password);
      const onB = await call(nodeB.url, 'GET', '/api/v1/me', { cookie });
      expect(onB.status).toBe(200);
      expect(onB.body.user.email).toBe(user.email);

      expect((await call(nodeB.url, 'POST', '/api/v1/auth/sign-out', { cookie })).status).toBe(204);
      const onA = await call(nodeA.url, 'GET', '/api/v1/me', { cookie });
      expect(onA.status).toBe(401);
      expect(onA.body.error.code).toBe('unauthenticated');
    });

    it('SEC-TOK-01: an API token made on node A works on node B; revoked on B it is refused on A at once', async () => {
      const user = await newUser();
      const cookie = await signIn(nodeA.url, user.email, user.password);
      const created = await call(nodeA.url, 'POST', '/api/v1/me/tokens', { cookie, body: { name: 'ci' } });
      expect(created.status).toBe(201);
      const token: string = created.body.token;

      const onB = await call(nodeB.url, 'GET', '/api/v1/me', { bearer: token });
      expect(onB.status).toBe(200);
      expect(onB.body.user.email).toBe(user.email);

      const revoked = await call(nodeB.url, 'DELETE', `/api/v1/me/tokens/${created.body.info.id}`, {
        bearer: token,
      });
      expect(revoked.status).toBe(204);
      expect((await call(nodeA.url, 'GET', '/api/v1/me', { bearer: token })).status).toBe(401);
    });

    it('SEC-SES-06: deactivation through node A ends the session and the token on node B at once', async () => {
      const user = await newUser();
      const cookie = await signIn(nodeB.url, user.email, user.password);
      const token = (await call(nodeB.url, 'POST', '/api/v1/me/tokens', { cookie, body: { name: 'script' } }))
        .body.token as string;
      expect((await call(nodeB.url, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
      expect((await call(nodeB.url, 'GET', '/api/v1/me', { bearer: token })).status).toBe(200);

      const deactivated = await call(nodeA.url, 'POST', `/api/v1/users/${user.id}/deactivate`, {
        cookie: adminA,
      });
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.status).toBe('deactivated');

      expect((await call(nodeB.url, 'GET', '/api/v1/me', { cookie })).status).toBe(401);
      expect((await call(nodeB.url, 'GET', '/api/v1/me', { bearer: token })).status).toBe(401);
      const again = await call(nodeB.url, 'POST', '/api/v1/auth/sign-in', {
        body: { email: user.email, password: user.password },
      });
      expect(again.status).toBe(401);
    });

    it('SEC-TMP-04: an admin reset on node A ends the session on node B; the temporary password works on B', async () => {
      const user = await newUser();
      const cookie = await signIn(nodeB.url, user.email, user.password);
      expect((await call(nodeB.url, 'GET', '/api/v1/me', { cookie })).status).toBe(200);

      const reset = await call(nodeA.url, 'POST', `/api/v1/users/${user.id}/password`, {
        cookie: adminA,
        body: { generate: true },
      });
      expect(reset.status).toBe(200);
      expect((await call(nodeB.url, 'GET', '/api/v1/me', { cookie })).status).toBe(401);

      const signedIn = await call(nodeB.url, 'POST', '/api/v1/auth/sign-in', {
        body: { email: user.email, password: reset.body.generatedPassword },
      });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.passwordChangeRequired).toBe(true);
      // The old password is gone everywhere.
      const old = await call(nodeA.url, 'POST', '/api/v1/auth/sign-in', {
        body: { email: user.email, password: user.password },
      });
      expect(old.status).toBe(401);
    });

    it('SEC-BF-01/05: the lockout count is shared: 10 wrong sign-ins alternating A and B lock the account on both', async () => {
      const user = await newUser();
      for (let i = 0; i < 10; i += 1) {
        const node = i % 2 === 0 ? nodeA : nodeB;
        const wrong = await call(node.url, 'POST', '/api/v1/auth/sign-in', {
          body: { email: user.email, password: `wrong guess number ${i} of ten` },
        });
        expect(wrong.status).toBe(401);
      }
      // Five failures on each node: neither alone reached the threshold, yet the account is locked on both.
      for (const node of [nodeA, nodeB]) {
        const right = await call(node.url, 'POST', '/api/v1/auth/sign-in', {
          body: { email: user.email, password: user.password },
        });
        expect(right.status).toBe(401);
        expect(right.body.error.code).toBe('invalid_credentials');
      }
      const seen = await call(nodeB.url, 'GET', `/api/v1/users/${user.id}`, { cookie: adminB });
      expect(seen.body.lockedUntil).not.toBeNull();

      // An unlock on B lifts it on A.
      expect(
        (await call(nodeB.url, 'POST', `/api/v1/users/${user.id}/unlock`, { cookie: adminB })).status,
      ).toBe(200);
      expect(
        (
          await call(nodeA.url, 'POST', '/api/v1/auth/sign-in', {
            body: { email: user.email, password: user.password },
          })
        ).status,
      ).toBe(200);
    });

    it('SEC-RST-04: a reset token redeemed on node A cannot be redeemed on node B (10 parallel redemptions across A and B → exactly one 204)', async () => {
      const user = await newUser();
      const link = await call(nodeA.url, 'POST', `/api/v1/users/${user.id}/password-reset-link`, {
        cookie: adminA,
        body: { send: false },
      });
      expect(link.status).toBe(200);
      const token = new URL(link.body.link as string).searchParams.get('token');
      expect(token).toBeTruthy();

      const newPassword = 'amber meadow compass 2024 gently';
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call(i % 2 === 0 ? nodeA.url : nodeB.url, 'POST', '/api/v1/auth/reset-password', {
            body: { token, newPassword },
          }),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 204)).toHaveLength(1);
      expect(statuses.filter((s) => s === 400)).toHaveLength(9);
      for (const r of replies.filter((r) => r.status === 400))
        expect(r.body.error.code).toBe('invalid_token');

      // Exactly one reset happened: one audit event, and the new password works on both nodes.
      const events = await handle.db
        .selectFrom('auditEvents')
        .select('id')
        .where('action', '=', 'auth.password_reset_completed')
        .where('targetId', '=', user.id)
        .execute();
      expect(events).toHaveLength(1);
      await signIn(nodeA.url, user.email, newPassword);
      await signIn(nodeB.url, user.email, newPassword);
    });

    it('outbox: a backlog queued while both dispatchers run is delivered exactly once in all', async () => {
      const N = 60;
      smtpA.clear();
      smtpB.clear();
      const config = loadConfig({ PUBLIC_URL: nodeA.url.replace('127.0.0.1', 'localhost') });
      // One transaction, so the whole backlog becomes due at once for both dispatchers.
      await handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < N; i += 1) {
          await enqueue(
            { trx, clock: systemClock, config, settings: settingsOf(config) },
            { to: `outbox${i}@example.test`, template: 'test' },
          );
        }
      });
      // And mail caused through each node: invitations created alternately on A and B.
      const invited = Array.from({ length: 6 }, (_, i) => `invitee${i}@example.test`);
      for (const [i, email] of invited.entries()) {
        const node = i % 2 === 0 ? nodeA : nodeB;
        const reply = await call(node.url, 'POST', '/api/v1/invitations', {
          cookie: i % 2 === 0 ? adminA : adminB,
          body: { email, role: 'member' },
        });
        expect(reply.status).toBe(201);
      }
      const expected = [...Array.from({ length: N }, (_, i) => `outbox${i}@example.test`), ...invited];

      const deadline = Date.now() + 30_000;
      while (smtpA.messages.length + smtpB.messages.length < expected.length && Date.now() < deadline)
        await sleep(50);
      // Two more poll periods of both dispatchers: nothing is sent a second time.
      await sleep(2_500);

      // Mail from the earlier tests in this file (lockout and reset notices) may still arrive while this
      // runs: count only this backlog's recipients, each of which must have arrived exactly once.
      const backlog = new Set(expected);
      const received = [...smtpA.messages, ...smtpB.messages]
        .flatMap((m) => m.rcptTo)
        .filter((address) => backlog.has(address))
        .sort();
      expect(received).toEqual([...expected].sort());
      const rows = await handle.db
        .selectFrom('mailOutbox')
        .select(['status', 'attempts', 'toAddress'])
        .where('toAddress', 'in', expected)
        .execute();
      expect(rows).toHaveLength(expected.length);
      for (const row of rows)
        expect({ to: row.toAddress, status: row.status, attempts: row.attempts }).toEqual({
          to: row.toAddress,
          status: 'sent',
          attempts: 1,
        });
      console.info(
        `outbox: node A sent ${smtpA.messages.length}, node B sent ${smtpB.messages.length} of ${expected.length}`,
      );
    });

    it('SEC-AUD-02: both nodes appended to one audit chain, and it is whole; both are still ready and logged no unhandled error (5xx)', async () => {
      expect(await verifyAuditChain({ db: handle.db })).toMatchObject({ ok: true });
      for (const node of [nodeA, nodeB]) {
        expect((await call(node.url, 'GET', '/readyz')).status).toBe(200);
        expect(node.output()).not.toContain('unhandled error');
        expect(node.output()).not.toMatch(/"level":(50|60)/);
      }
    });
  },
);
