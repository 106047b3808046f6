import { describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../database.js';
import { statementsSentDuring } from '../db/statements-sent.js';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';
import { codeAt, enrollTotp, passwordStep } from '../mfa/helpers.js';

/*
 * Statements per request on the hot paths (issue 18 item 10): every statement the drivers send is
 * counted (on PostgreSQL each is a round trip; BEGIN and COMMIT included), so a query added to
 * sign-in, GET /me or the users list shows up here rather than as a slower benchmark weeks later.
 * Commits are counted apart: on SQLite each is an fsync that holds up the event loop, which is what
 * sign-in with a second step pays against a password alone (issue 13: ≥ 0.95 × its throughput).
 * The test clock stands in for the database's clock, so dbNow's `clock_timestamp()` reads (one per
 * transaction on PostgreSQL in production) are not among them. Counted at the drivers
 * (test/db/statements-sent.ts). The app's timers (live settings, aggregated audit events)
 * may add a statement while a request runs on a busy machine; each count is the smaller of two runs.
 */
async function statementsOf(run: () => Promise<{ statusCode: number; body: string }>): Promise<string[]> {
  const once = async () => {
    const { result: res, statements } = await statementsSentDuring(run);
    expect(res.statusCode, res.body).toBe(200);
    return statements;
  };
  const [a, b] = [await once(), await once()];
  return a.length <= b.length ? a : b;
}

/** Transactions a request committed (each a durable commit: an fsync on SQLite, a round trip on PostgreSQL). */
const commits = (statements: string[]) => statements.filter((s) => /^commit\b/i.test(s.trim())).length;

const pgOr = (sqlite: number, postgres: number) => (TEST_DIALECT === 'postgres' ? postgres : sqlite);

/** One app for the file: an admin and 60 members, so that a page is full. */
let shared: Promise<{ t: TestApp; cookie: string }> | null = null;
const app = () =>
  (shared ??= (async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { role: 'admin' });
    for (let i = 0; i < 60; i += 1) await seedUser(t);
    return { t, cookie: await signIn(t, admin.email, admin.password) };
  })());

const signInWith = (t: TestApp, user: { email: string; password: string }) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: user.email, password: user.password },
  });

describe('statements per request on the hot paths', () => {
  it('GET /me is one statement (session, user and lockout together, ADR 0003)', async () => {
    const { t, cookie } = await app();
    const statements = await statementsOf(() => request(t, cookie, { method: 'GET', url: '/api/v1/me' }));
    expect(statements).toHaveLength(1);
  });

  it('sign-in: two transactions and one read of the account with its factors', async () => {
    const { t } = await app();
    const users = [await seedUser(t), await seedUser(t)];
    let n = 0;
    const statements = await statementsOf(() => signInWith(t, users[n++] as (typeof users)[0]));
    // Counting (BEGIN, IP, account, COMMIT), the account and its factors in one read, then BEGIN,
    // session, last sign-in, IP release, lockout reset, [PostgreSQL: audit lane lock], chain head,
    // audit event, COMMIT.
    expect(statements, statements.join('\n')).toHaveLength(pgOr(13, 14));
    expect(commits(statements)).toBe(2);
    expect(statements.filter((s) => /mfa_/.test(s))).toHaveLength(1);
  });

  it('GET /users: a page is the principal, the total, the rows, the lockouts and one query for the two-step summaries', async () => {
    const { t, cookie } = await app();
    for (const url of [
      '/api/v1/users?limit=50',
      '/api/v1/users?limit=50&role=admin',
      '/api/v1/users?limit=50&q=person',
    ]) {
      const statements = await statementsOf(() => request(t, cookie, { method: 'GET', url }));
      expect(statements, `${url}\n${statements.join('\n')}`).toHaveLength(5);
      expect(statements.filter((s) => /mfa_/.test(s))).toHaveLength(1);
    }
  });

  it('sign-in with a factor costs no more statements or commits than without; POST /auth/mfa/verify is one transaction', async () => {
    const { t } = await app();
    const withFactor = async () => {
      const user = await seedUser(t);
      return { user, factor: await enrollTotp(t, await signIn(t, user.email, user.password)) };
    };
    const users = [await withFactor(), await withFactor()];
    let n = 0;
    // The password step: counting (BEGIN, IP, account, COMMIT), the account and its factors in one
    // read, then BEGIN, the pending session, IP release, [PostgreSQL: audit lane lock], chain head,
    // audit event, COMMIT.
    const first = await statementsOf(() => signInWith(t, (users[n++] as (typeof users)[0]).user));
    expect(first, first.join('\n')).toHaveLength(pgOr(11, 12));
    expect(commits(first)).toBe(2);
    const pending = await Promise.all(users.map(({ user }) => passwordStep(t, user.email, user.password)));
    let m = 0;
    // The second step: the guard's one query (session, user, lockout), then BEGIN, account count,
    // the TOTP factors, the step accepted (SEC-MFA-01), lockout reset, the pending session replaced
    // by the new one, last sign-in, [PostgreSQL: audit lane lock], chain head, audit event, COMMIT.
    const second = await statementsOf(() => {
      const i = m++;
      return request(t, (pending[i] as (typeof pending)[0]).cookie, {
        method: 'POST',
        url: '/api/v1/auth/mfa/verify',
        payload: { method: 'totp', code: codeAt(t, (users[i] as (typeof users)[0]).factor.secret) },
      });
    });
    expect(second, second.join('\n')).toHaveLength(pgOr(11, 12));
    expect(commits(second)).toBe(1);
  });
});

/*
 * The same paths with a node's clock, as the server runs (SEC-BF-06): on PostgreSQL every dbNow() is
 * then a statement of its own (`select … clock_timestamp()`), a round trip the test clock hides.
 * Issue 18 item 10: the list's lockouts compare with the database's time inside their own query, and a
 * sign-in's session and audit event take the time without a read of their own.
 */
const CLOCK_READ = /^\s*select \(extract\(epoch from clock_timestamp\(\)\)/i;
let nodeClockApp: Promise<{ t: TestApp; cookie: string }> | null = null;
const appOnNodeClock = () =>
  (nodeClockApp ??= (async () => {
    const t = await buildTestApp();
    // The server's clock: the process's time, deferring to the database's wherever time is compared or stored.
    const clock = t.clock as unknown as { now: () => number; defersToDatabase?: boolean };
    clock.now = () => Date.now();
    clock.defersToDatabase = true;
    const admin = await seedUser(t, { role: 'admin' });
    for (let i = 0; i < 60; i += 1) await seedUser(t);
    return { t, cookie: await signIn(t, admin.email, admin.password) };
  })());

describe('statements per request with a node clock (the database decides the time)', () => {
  it('GET /users: the principal, [the total, the rows], [the lockouts, the two-step summaries]; no read of the time alone', async () => {
    const { t, cookie } = await appOnNodeClock();
    const first = await request(t, cookie, { method: 'GET', url: '/api/v1/users?limit=50' });
    const cursor = (JSON.parse(first.body) as { nextCursor: string | null }).nextCursor;
    expect(cursor).not.toBeNull();
    for (const url of [
      '/api/v1/users?limit=50',
      `/api/v1/users?limit=50&cursor=${encodeURIComponent(cursor as string)}`,
      '/api/v1/users?limit=50&role=admin',
      '/api/v1/users?limit=50&q=person',
    ]) {
      const statements = await statementsOf(() => request(t, cookie, { method: 'GET', url }));
      expect(statements, `${url}\n${statements.join('\n')}`).toHaveLength(5);
      expect(statements.filter((s) => CLOCK_READ.test(s))).toHaveLength(0);
      expect(statements.filter((s) => /mfa_/.test(s))).toHaveLength(1);
    }
  });

  it('sign-in (password only): the time read once per transaction, the session and the audit event reuse it', async () => {
    const { t } = await appOnNodeClock();
    const users = [await seedUser(t), await seedUser(t)];
    let n = 0;
    const statements = await statementsOf(() => signInWith(t, users[n++] as (typeof users)[0]));
    // As with the test clock, plus on PostgreSQL the two reads of the database's time: the counting's
    // (its window) and the one after the hash (the temporary password's expiry, the session, last sign-in).
    expect(statements, statements.join('\n')).toHaveLength(pgOr(13, 16));
    expect(statements.filter((s) => CLOCK_READ.test(s))).toHaveLength(pgOr(0, 2));
  });
});
