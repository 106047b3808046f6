import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, totpStep } from '../../src/modules/mfa/totp.js';
import type { DbHandle } from '../../src/db/db.js';
import { databaseUrlFor, TEST_DIALECT } from '../database.js';
import {
  call,
  openDatabase,
  seedUser,
  sessionCookie,
  signIn,
  startGatehouse,
  type GatehouseProcess,
} from './process.js';

/**
 * Issue 13: a TOTP code is accepted once on any node. Two real `gatehouse serve` processes on one
 * database (PostgreSQL, or one SQLite file), the same code presented to both at once: exactly one
 * is accepted, because the last accepted step lives in the database, not in a node's memory.
 */
let nodeA: GatehouseProcess;
let nodeB: GatehouseProcess;
let handle: DbHandle;
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  let databaseUrl: string;
  if (TEST_DIALECT === 'postgres') {
    const name = `gh_test_mfa_${Date.now().toString(36)}`;
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
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mfa-nodes-'));
    databaseUrl = join(dir, 'gatehouse.sqlite');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const first = openDatabase(databaseUrl);
  await first.migrate();
  await first.close();
  [nodeA, nodeB] = await Promise.all([startGatehouse({ databaseUrl }), startGatehouse({ databaseUrl })]);
  handle = openDatabase(databaseUrl);
}, 120_000);

afterAll(async () => {
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await handle?.close();
  await cleanup();
});

describe('two server processes', () => {
  it('SEC-MFA-01: one code presented to two processes at once is accepted by exactly one; the refusal is 401 invalid_code', async () => {
    const user = await seedUser(handle, { email: 'two.nodes@example.test', name: 'Two Nodes' });
    const cookie = await signIn(nodeA.url, user.email, user.password);
    const started = await call(nodeA.url, 'POST', '/api/v1/me/factors/totp', { cookie, body: {} });
    expect(started.status, started.text).toBe(201);
    const { id, secret } = started.body as { id: string; secret: string };
    const step = totpStep(Date.now());
    const confirmed = await call(nodeA.url, 'POST', `/api/v1/me/factors/totp/${id}/confirm`, {
      cookie,
      body: { code: totpCode(secret, step) },
    });
    expect(confirmed.status, confirmed.text).toBe(200);

    const pending = async (node: GatehouseProcess) => {
      const reply = await call(node.url, 'POST', '/api/v1/auth/sign-in', {
        body: { email: user.email, password: user.password },
      });
      expect(reply.body).toMatchObject({ mfaRequired: true });
      return sessionCookie(reply);
    };
    const [onA, onB] = await Promise.all([pending(nodeA), pending(nodeB)]);
    // The next step's code (the confirming step is spent), within the ±1 step window.
    const code = totpCode(secret, step + 1);
    const [a, b] = await Promise.all([
      call(nodeA.url, 'POST', '/api/v1/auth/mfa/verify', { cookie: onA, body: { method: 'totp', code } }),
      call(nodeB.url, 'POST', '/api/v1/auth/mfa/verify', { cookie: onB, body: { method: 'totp', code } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
    const refused = a.status === 401 ? a : b;
    expect((refused.body as { error: { code: string } }).error.code).toBe('invalid_code');
  });
});
