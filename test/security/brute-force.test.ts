import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { clientRateKey } from '../../src/modules/throttle/index.js';
import { buildTestApp, buildTwoNodes, request, seedUser, signIn, type TestApp } from '../harness.js';
import { closeAfterFile, resetLinkIn } from '../smtp.js';

/**
 * Brute-force protection through the real HTTP API: SEC-BF-01..05, and SEC-ENUM-03 (forgot-password
 * throttled per submitted address, the same for existing and unknown accounts). Time moves with the
 * injected clock; counters are read from `account_throttle`, `rate_counters`, `mail_outbox` and
 * `audit_events` directly.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const WRONG = 'definitely not the password';
const NEW_PASSWORD = 'violet harbour compass 2026';

/**
 * Account tests send every request from its own client address (10.0.0.0/8), so the per-IP limit
 * (tested on its own below with TEST-NET addresses) never interferes with the per-account counts.
 */
let ipCounter = 0;
const freshIp = () => {
  ipCounter += 1;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

const signInAs = (
  t: TestApp,
  email: string,
  password: string,
  options: { ip?: string; headers?: Record<string, string> } = {},
) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
    remoteAddress: options.ip ?? freshIp(),
    ...(options.headers ? { headers: options.headers } : {}),
  });

const forgot = (t: TestApp, email: string, ip: string = freshIp()) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/forgot-password',
    payload: { email },
    remoteAddress: ip,
  });

/** Completes a password reset with the token of a mailed link. */
const redeem = (t: TestApp, token: string, newPassword: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/reset-password',
    payload: { token, newPassword },
    remoteAddress: freshIp(),
  });

async function fail(t: TestApp, email: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const res = await signInAs(t, email, `${WRONG} ${i}`);
    expect(res.statusCode, res.body).toBe(401);
  }
}

async function throttleRow(t: TestApp, email: string) {
  return t.db.db.selectFrom('accountThrottle').selectAll().where('key', '=', email).executeTakeFirst();
}

async function failuresOf(t: TestApp, email: string): Promise<number> {
  return Number((await throttleRow(t, email))?.failures ?? 0);
}

async function lockedUntilOf(t: TestApp, email: string): Promise<number | null> {
  const until = (await throttleRow(t, email))?.lockedUntil;
  return until === null || until === undefined ? null : Number(until);
}

async function outbox(t: TestApp, to: string, template?: string) {
  let query = t.db.db.selectFrom('mailOutbox').selectAll().where('toAddress', '=', to);
  if (template) query = query.where('template', '=', template);
  return query.orderBy('createdAt').execute();
}

async function auditOf(t: TestApp, action: string, targetLabel: string) {
  const rows = await t.db.db
    .selectFrom('auditEvents')
    .selectAll()
    .where('action', '=', action)
    .where('targetLabel', '=', targetLabel)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

function expectInvalidCredentials(res: LightMyRequestResponse, reference: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(401);
  expect(res.body).toBe(reference.body);
  expect(res.headers['content-type']).toBe(reference.headers['content-type']);
  expect(res.headers['set-cookie']).toBeUndefined();
}

function expectRateLimited(res: LightMyRequestResponse, maxSeconds: number): number {
  expect(res.statusCode, res.body).toBe(429);
  expect(res.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  return seconds;
}

const closing = closeAfterFile();

describe('per-account lockout', () => {
  let t: TestApp;
  let admin: { id: string; email: string; password: string };
  /** Signed in afresh when needed: other tests move the clock by hours, past a session's lifetime. */
  const adminSignIn = () => signIn(t, admin.email, admin.password);

  beforeAll(async () => {
    t = closing.add(await buildTestApp());
    admin = await seedUser(t, { email: 'bf.admin@example.test', name: 'Bea Admin', role: 'admin' });
  });

  it('SEC-BF-01: 9 failures leave the account open; the 10th locks it for 1 minute, during which the right password gets the same 401 and failures are not counted', async () => {
    const user = await seedUser(t, { email: 'bf01.schedule@example.test', name: 'Lock Schedule' });

    await fail(t, user.email, 9);
    expect(await failuresOf(t, user.email)).toBe(9);
    expect(await lockedUntilOf(t, user.email)).toBeNull();
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(200);

    const reference = await signInAs(t, user.email, WRONG);
    expect(reference.statusCode).toBe(401);
    expect(reference.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    await fail(t, user.email, 9);
    const lockedAt = t.clock.now();
    expect(await failuresOf(t, user.email)).toBe(10);
    expect(await lockedUntilOf(t, user.email)).toBe(lockedAt + MINUTE);

    // Locked: the right password answers exactly like a wrong one, and sets no cookie.
    expectInvalidCredentials(await signInAs(t, user.email, user.password), reference);
    // Failures during the lockout are not counted, nor do they extend it.
    for (let i = 0; i < 15; i += 1) {
      t.clock.advance(SECOND);
      expectInvalidCredentials(await signInAs(t, user.email, WRONG), reference);
    }
    expect(await failuresOf(t, user.email)).toBe(10);
    expect(await lockedUntilOf(t, user.email)).toBe(lockedAt + MINUTE);

    // One millisecond before the end it is still locked; one after, the right password works.
    t.clock.advance(lockedAt + MINUTE - 1 - t.clock.now());
    expectInvalidCredentials(await signInAs(t, user.email, user.password), reference);
    t.clock.advance(2);
    expect(t.clock.now()).toBe(lockedAt + MINUTE + 1);
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(200);
    expect(await throttleRow(t, user.email)).toBeUndefined();
  });

  it('SEC-BF-01: each further 10 failures lock one minute longer (2, 3, … minutes), capped at 15 minutes, never permanently', async () => {
    const user = await seedUser(t, { email: 'bf01.growth@example.test', name: 'Lock Growth' });
    const lockouts: number[] = [];
    for (let round = 1; round <= 17; round += 1) {
      await fail(t, user.email, 10);
      const start = t.clock.now();
      const until = await lockedUntilOf(t, user.email);
      expect(await failuresOf(t, user.email)).toBe(10 * round);
      expect(until, `round ${round}`).not.toBeNull();
      lockouts.push(((until ?? 0) - start) / MINUTE);

      // Still locked one millisecond before the end, even with the right password (not counted).
      t.clock.advance((until ?? 0) - 1 - t.clock.now());
      expect((await signInAs(t, user.email, user.password)).statusCode).toBe(401);
      expect(await failuresOf(t, user.email)).toBe(10 * round);
      t.clock.advance(1);
    }
    expect(lockouts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15, 15]);

    // Every lockout start was audited and mailed to the user, with how long it lasts.
    const events = await auditOf(t, 'auth.lockout', user.email);
    expect(events).toHaveLength(17);
    const mails = await outbox(t, user.email, 'lockout');
    expect(mails).toHaveLength(17);
    expect(mails[0]?.textBody).toContain('locked for 1 minute.');
    expect(mails[16]?.textBody).toContain('locked for 15 minutes');

    // After the longest lockout the right password works and the count starts over.
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(200);
    expect(await throttleRow(t, user.email)).toBeUndefined();
  });

  it('SEC-BF-01: the account key is the normalized email: case and spaces do not make a fresh counter', async () => {
    const user = await seedUser(t, { email: 'bf01.case@example.test', name: 'Case Folding' });
    const spellings = ['BF01.Case@Example.test', '  bf01.case@example.test ', 'bf01.CASE@EXAMPLE.TEST'];
    for (let i = 0; i < 10; i += 1) {
      expect((await signInAs(t, spellings[i % spellings.length] as string, WRONG)).statusCode).toBe(401);
    }
    expect(await failuresOf(t, user.email)).toBe(10);
    expect((await signInAs(t, 'BF01.CASE@example.test', user.password)).statusCode).toBe(401);
  });

  it('SEC-BF-02: a successful sign-in resets the count', async () => {
    const user = await seedUser(t, { email: 'bf02.success@example.test', name: 'Reset By Success' });
    await fail(t, user.email, 9);
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(200);
    expect(await failuresOf(t, user.email)).toBe(0);
    // Without the reset, the next failure would be the 10th and lock; it is only the first.
    await fail(t, user.email, 9);
    expect(await failuresOf(t, user.email)).toBe(9);
    expect(await lockedUntilOf(t, user.email)).toBeNull();
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(200);
  });

  it('SEC-BF-02: the count resets after 12 hours without failures (and not a millisecond earlier)', async () => {
    const kept = await seedUser(t, { email: 'bf02.kept@example.test', name: 'Count Kept' });
    const quiet = await seedUser(t, { email: 'bf02.quiet@example.test', name: 'Count Quiet' });

    await fail(t, kept.email, 9);
    await fail(t, quiet.email, 9);
    t.clock.advance(12 * HOUR - 1);
    // 12 h minus 1 ms: the count is still there; the 10th failure locks.
    await fail(t, kept.email, 1);
    expect(await failuresOf(t, kept.email)).toBe(10);
    expect(await lockedUntilOf(t, kept.email)).toBe(t.clock.now() + MINUTE);
    expect((await signInAs(t, kept.email, kept.password)).statusCode).toBe(401);

    t.clock.advance(1);
    // 12 h exactly: this failure is the first of a new count.
    await fail(t, quiet.email, 1);
    expect(await failuresOf(t, quiet.email)).toBe(1);
    await fail(t, quiet.email, 8);
    expect(await failuresOf(t, quiet.email)).toBe(9);
    expect(await lockedUntilOf(t, quiet.email)).toBeNull();
    expect((await signInAs(t, quiet.email, quiet.password)).statusCode).toBe(200);
  });

  it('SEC-BF-03: a lockout start emails the user a reset link that works and ends the lockout at once; an unknown email gets no mail', async () => {
    const user = await seedUser(t, { email: 'bf03.mail@example.test', name: 'Mailed Lockout' });
    await fail(t, user.email, 9);
    expect(await outbox(t, user.email)).toHaveLength(0);
    await fail(t, user.email, 1);
    const mails = await outbox(t, user.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.template).toBe('lockout');
    expect(mail?.status).toBe('queued');
    const { link, token } = resetLinkIn(mail?.textBody ?? '');
    expect(link.startsWith(`${t.config.publicUrl}/reset-password?token=`)).toBe(true);
    expect(mail?.textBody).not.toContain(user.password);

    const lockout = await auditOf(t, 'auth.lockout', user.email);
    expect(lockout).toHaveLength(1);
    expect(lockout[0]?.targetId).toBe(user.id);
    expect(lockout[0]?.details).toEqual({ lockedUntil: new Date(t.clock.now() + MINUTE).toISOString() });

    // Still inside the lockout, the link resets the password and the new one signs in right away.
    t.clock.advance(10 * SECOND);
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(401);
    const reset = await redeem(t, token, NEW_PASSWORD);
    expect(reset.statusCode, reset.body).toBe(204);
    expect(await throttleRow(t, user.email)).toBeUndefined();
    expect((await signInAs(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);

    // The same attack on an address nobody has: counted and locked alike, but nobody is mailed.
    const unknown = 'bf03.nobody@example.test';
    const allMail = async () =>
      Number(
        (
          await t.db.db
            .selectFrom('mailOutbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await allMail();
    await fail(t, unknown, 10);
    expect(await failuresOf(t, unknown)).toBe(10);
    expect(await lockedUntilOf(t, unknown)).toBe(t.clock.now() + MINUTE);
    expect(await outbox(t, unknown)).toHaveLength(0);
    expect(await allMail()).toBe(before);
  });

  it('SEC-BF-03: a reset requested through forgot-password clears the lockout', async () => {
    const user = await seedUser(t, { email: 'bf03.forgot@example.test', name: 'Forgot Lockout' });
    await fail(t, user.email, 10);
    const lockedUntil = await lockedUntilOf(t, user.email);
    expect(lockedUntil).toBe(t.clock.now() + MINUTE);

    expect((await forgot(t, user.email)).statusCode).toBe(202);
    const [mail] = await outbox(t, user.email, 'password_reset');
    const { token } = resetLinkIn(mail?.textBody ?? '');
    t.clock.advance(5 * SECOND);
    const reset = await redeem(t, token, NEW_PASSWORD);
    expect(reset.statusCode, reset.body).toBe(204);
    // Well within what would have been the lockout.
    expect(t.clock.now()).toBeLessThan(lockedUntil ?? 0);
    expect((await signInAs(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(401);
  });

  it('SEC-BF-03 / SEC-RST-05: a lockout while the user holds a working reset link keeps that link; the notice points to Forgot password', async () => {
    const user = await seedUser(t, { email: 'bf03.keeplink@example.test', name: 'Kept Link' });
    expect((await forgot(t, user.email)).statusCode).toBe(202);
    const [asked] = await outbox(t, user.email, 'password_reset');
    const { token } = resetLinkIn(asked?.textBody ?? '');

    // Whoever guesses at the account locks it, twice; the user is told each time, with no new token.
    await fail(t, user.email, 10);
    t.clock.advance(((await lockedUntilOf(t, user.email)) ?? 0) - t.clock.now());
    await fail(t, user.email, 10);
    const notices = await outbox(t, user.email, 'lockout');
    expect(notices).toHaveLength(2);
    for (const notice of notices) {
      expect(notice.textBody).toContain('the password reset link we sent you earlier: it still works');
      expect(notice.textBody).toContain(`${t.config.publicUrl}/forgot-password`);
      expect(notice.textBody).not.toContain('token=');
    }
    const tokens = await t.db.db
      .selectFrom('passwordResetTokens')
      .select('tokenHash')
      .where('userId', '=', user.id)
      .execute();
    expect(tokens).toHaveLength(1);

    // The link the user asked for still resets the password and ends the lockout.
    const reset = await redeem(t, token, NEW_PASSWORD);
    expect(reset.statusCode, reset.body).toBe(204);
    expect(await throttleRow(t, user.email)).toBeUndefined();

    // Once no link is open, the next lockout mails a fresh one again.
    await fail(t, user.email, 10);
    const [, , third] = await outbox(t, user.email, 'lockout');
    expect(
      resetLinkIn(third?.textBody ?? '').link.startsWith(`${t.config.publicUrl}/reset-password?token=`),
    ).toBe(true);
  });

  it('SEC-BF-03: admins see "locked until" in the user list and on the user, and can unlock (audited)', async () => {
    const user = await seedUser(t, { email: 'bf03.unlock@example.test', name: 'Admin Unlock' });
    const adminCookie = await adminSignIn();
    const show = () => request(t, adminCookie, { method: 'GET', url: `/api/v1/users/${user.id}` });
    const list = () =>
      request(t, adminCookie, { method: 'GET', url: `/api/v1/users?q=${encodeURIComponent(user.email)}` });
    const lockedInList = async () => {
      const res = await list();
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json().items as Array<{ id: string; lockedUntil: string | null }>;
      expect(items.map((u) => u.id)).toEqual([user.id]);
      return items[0]?.lockedUntil;
    };

    expect(await lockedInList()).toBeNull();
    expect((await show()).json().lockedUntil).toBeNull();

    await fail(t, user.email, 10);
    const until = new Date(t.clock.now() + MINUTE).toISOString();
    expect(await lockedInList()).toBe(until);
    expect((await show()).json().lockedUntil).toBe(until);
    // Other users in the list are not shown locked.
    const everyone = (await request(t, adminCookie, { method: 'GET', url: '/api/v1/users?limit=100' })).json()
      .items as Array<{ id: string; lockedUntil: string | null }>;
    expect(everyone.find((u) => u.id === admin.id)?.lockedUntil).toBeNull();

    // Non-admins cannot unlock.
    const member = await seedUser(t, { email: 'bf03.member@example.test', name: 'Mem Ber' });
    const memberCookie = await signIn(t, member.email, member.password);
    expect(
      (await request(t, memberCookie, { method: 'POST', url: `/api/v1/users/${user.id}/unlock` })).statusCode,
    ).toBe(403);
    expect(await lockedUntilOf(t, user.email)).not.toBeNull();

    const unlocked = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/unlock`,
    });
    expect(unlocked.statusCode, unlocked.body).toBe(200);
    expect(unlocked.json()).toMatchObject({ id: user.id, email: user.email, lockedUntil: null });
    expect(await lockedInList()).toBeNull();
    expect((await show()).json().lockedUntil).toBeNull();
    expect(await throttleRow(t, user.email)).toBeUndefined();

    const events = await auditOf(t, 'user.unlocked', user.email);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: admin.id,
      actorLabel: admin.email,
      targetId: user.id,
      outcome: 'success',
    });

    // No waiting: the right password works right after the unlock, still inside the minute.
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(200);
    expect(
      (
        await request(t, adminCookie, {
          method: 'POST',
          url: '/api/v1/users/00000000-0000-0000-0000-000000000000/unlock',
        })
      ).statusCode,
    ).toBe(404);
  });

  it("SEC-BF-01: a lockout started by someone guessing does not end the owner's session or tokens; GET /me shows it, with a cookie and with a token, until it runs out", async () => {
    const user = await seedUser(t, { email: 'bf01.me@example.test', name: 'Me Locked' });
    const cookie = await signIn(t, user.email, user.password);
    const created = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'bf01' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const bearer = { authorization: `Bearer ${created.json().token as string}` };
    const meWithCookie = () => request(t, cookie, { method: 'GET', url: '/api/v1/me' });
    const meWithToken = () => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });

    expect((await meWithCookie()).json().user.lockedUntil).toBeNull();
    await fail(t, user.email, 10);
    const until = new Date(t.clock.now() + MINUTE).toISOString();
    for (const res of [await meWithCookie(), await meWithToken()]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().user).toMatchObject({ id: user.id, lockedUntil: until });
    }
    t.clock.advance(MINUTE);
    for (const res of [await meWithCookie(), await meWithToken()]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().user.lockedUntil).toBeNull();
    }
  });

  it('SEC-BF-03: an admin password reset also clears the lockout', async () => {
    const user = await seedUser(t, { email: 'bf03.adminreset@example.test', name: 'Admin Reset Lock' });
    await fail(t, user.email, 10);
    const adminCookie = await adminSignIn();
    const temporary = 'amber quietly meadow lanterns';
    const res = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { password: temporary },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await throttleRow(t, user.email)).toBeUndefined();
    const signedIn = await signInAs(t, user.email, temporary);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().passwordChangeRequired).toBe(true);
  });
});

describe('per-IP limits', () => {
  let t: TestApp;
  let user: { id: string; email: string; password: string };

  beforeAll(async () => {
    t = closing.add(await buildTestApp());
    user = await seedUser(t, { email: 'bf04.user@example.test', name: 'Ip Limited' });
  });

  /** 100 failed sign-ins from one socket address, spread over 20 unknown emails (5 each: no lockouts). */
  async function hundredFailures(
    app: TestApp,
    ip: string,
    tag: string,
    headers: (i: number) => Record<string, string> = () => ({}),
  ): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      const res = await signInAs(app, `${tag}-${i % 20}@example.test`, WRONG, { ip, headers: headers(i) });
      expect(res.statusCode, `attempt ${i + 1}: ${res.body}`).toBe(401);
    }
  }

  it('SEC-BF-04: 100 failed sign-ins from one IP in 15 minutes → 429 with Retry-After, even with the right password; other IPs unaffected; the window passes', async () => {
    const ip = '203.0.113.7';
    const start = t.clock.now();
    await hundredFailures(t, ip, 'bf04-a');
    // None of the spread accounts is locked.
    expect(await failuresOf(t, 'bf04-a-0@example.test')).toBe(5);
    expect(await lockedUntilOf(t, 'bf04-a-0@example.test')).toBeNull();

    const blocked = await signInAs(t, user.email, user.password, { ip });
    expect(expectRateLimited(blocked, 900)).toBe(900);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    // Also for a wrong password and an unknown email: the same 429.
    expect((await signInAs(t, 'nobody@example.test', WRONG, { ip })).body).toBe(blocked.body);

    // Another address is not affected.
    expect((await signInAs(t, user.email, user.password, { ip: '203.0.113.8' })).statusCode).toBe(200);

    // Retry-After counts down with the window.
    t.clock.advance(10 * MINUTE);
    expect(expectRateLimited(await signInAs(t, user.email, user.password, { ip }), 300)).toBe(300);
    t.clock.advance(start + 15 * MINUTE - 1 - t.clock.now());
    expect(expectRateLimited(await signInAs(t, user.email, user.password, { ip }), 1)).toBe(1);
    t.clock.advance(1);
    expect((await signInAs(t, user.email, user.password, { ip })).statusCode).toBe(200);
  });

  it('SEC-BF-04: a spoofed X-Forwarded-For is ignored without a trusted proxy: the limit follows the socket address', async () => {
    const ip = '203.0.113.20';
    await hundredFailures(t, ip, 'bf04-spoof', (i) => ({ 'x-forwarded-for': `198.18.${i}.1` }));
    // A new forged address does not get the attacker a fresh allowance.
    expectRateLimited(
      await signInAs(t, user.email, user.password, { ip, headers: { 'x-forwarded-for': '198.18.200.1' } }),
      900,
    );
    // Claiming to be the blocked address from another socket does not block anyone.
    expect(
      (
        await signInAs(t, user.email, user.password, {
          ip: '203.0.113.21',
          headers: { 'x-forwarded-for': ip },
        })
      ).statusCode,
    ).toBe(200);
    // The audit trail records the socket address, not the forged one.
    const events = await auditOf(t, 'auth.sign_in', 'bf04-spoof-0@example.test');
    expect(events).toHaveLength(5);
    for (const e of events) expect(e.ip).toBe(ip);
  });

  it('SEC-BF-04: with TRUST_PROXY=true the client address comes from X-Forwarded-For', async () => {
    const proxied = closing.add(await buildTestApp({ env: { TRUST_PROXY: 'true' } }));
    const someone = await seedUser(proxied, { email: 'bf04.proxied@example.test', name: 'Behind Proxy' });
    const proxy = '10.0.0.2';
    const client = '198.51.100.77';
    await hundredFailures(proxied, proxy, 'bf04-proxy', () => ({ 'x-forwarded-for': client }));
    // That client is limited, through the same proxy or another one.
    expectRateLimited(
      await signInAs(proxied, someone.email, someone.password, {
        ip: proxy,
        headers: { 'x-forwarded-for': client },
      }),
      900,
    );
    expectRateLimited(
      await signInAs(proxied, someone.email, someone.password, {
        ip: '10.0.0.3',
        headers: { 'x-forwarded-for': client },
      }),
      900,
    );
    // Other clients behind the same proxy are not.
    const other = await signInAs(proxied, someone.email, someone.password, {
      ip: proxy,
      headers: { 'x-forwarded-for': '198.51.100.78' },
    });
    expect(other.statusCode, other.body).toBe(200);
    const events = await auditOf(proxied, 'auth.sign_in', 'bf04-proxy-0@example.test');
    for (const e of events) expect(e.ip).toBe(client);
  });

  it("SEC-BF-04: with TRUST_PROXY set to the proxies' addresses, the client is the right-most untrusted X-Forwarded-For hop: what a client writes there cannot escape the limit", async () => {
    const proxied = closing.add(await buildTestApp({ env: { TRUST_PROXY: '10.0.0.0/8, 192.0.2.1' } }));
    const someone = await seedUser(proxied, { email: 'bf04.list@example.test', name: 'Listed Proxy' });
    const proxy = '10.0.0.2';
    const client = '198.51.100.90';
    // A proxy that appends: the client wrote a fake address first, the proxies added the real one.
    let fake = 0;
    await hundredFailures(proxied, proxy, 'bf04-list', () => {
      fake += 1;
      return { 'x-forwarded-for': `203.0.113.${fake % 250}, ${client}, 192.0.2.1` };
    });
    expectRateLimited(
      await signInAs(proxied, someone.email, someone.password, {
        ip: proxy,
        headers: { 'x-forwarded-for': `203.0.113.251, ${client}` },
      }),
      900,
    );
    // Another client behind the same proxies is not limited.
    const other = await signInAs(proxied, someone.email, someone.password, {
      ip: proxy,
      headers: { 'x-forwarded-for': '198.51.100.91' },
    });
    expect(other.statusCode, other.body).toBe(200);
    const events = await auditOf(proxied, 'auth.sign_in', 'bf04-list-0@example.test');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.ip).toBe(client);
    // A request from an address that is not a listed proxy is judged by its own address.
    const direct = await signInAs(proxied, someone.email, someone.password, {
      ip: '198.51.100.92',
      headers: { 'x-forwarded-for': client },
    });
    expect(direct.statusCode, direct.body).toBe(200);
  });

  it('TRUST_PROXY accepts true, false, or addresses and CIDR ranges, and refuses anything else with the variable named', () => {
    const base = { PUBLIC_URL: 'http://localhost:8080' };
    expect(loadConfig({ ...base }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...base, TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8,127.0.0.1, fd00::/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      'fd00::/8',
    ]);
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.300', 'proxy.example.com', '10.0.0.0/8,,']) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: bad }), bad).toThrow(
        /TRUST_PROXY=.*expected true, false, or a comma-separated list/,
      );
    }
  });

  it('SEC-BF-04: 10 forgot-password requests per IP per hour, then 429 with Retry-After', async () => {
    const ip = '203.0.113.40';
    const start = t.clock.now();
    const first = await forgot(t, 'bf04-forgot-0@example.test', ip);
    expect(first.statusCode).toBe(202);
    for (let i = 1; i < 10; i += 1) {
      const res = await forgot(t, `bf04-forgot-${i}@example.test`, ip);
      expect(res.statusCode, `request ${i + 1}`).toBe(202);
      expect(res.body).toBe(first.body);
    }
    // The 11th, for an existing user or not, is refused, and queues nothing.
    const mailBefore = (await outbox(t, user.email)).length;
    expect(expectRateLimited(await forgot(t, user.email, ip), 3600)).toBe(3600);
    expect(await outbox(t, user.email)).toHaveLength(mailBefore);
    expectRateLimited(await forgot(t, 'bf04-forgot-x@example.test', ip), 3600);
    // Another address is not affected.
    expect((await forgot(t, 'bf04-forgot-y@example.test', '203.0.113.41')).statusCode).toBe(202);

    t.clock.advance(start + HOUR - 1 - t.clock.now());
    expect(expectRateLimited(await forgot(t, 'bf04-forgot-z@example.test', ip), 1)).toBe(1);
    t.clock.advance(1);
    expect((await forgot(t, user.email, ip)).statusCode).toBe(202);
    expect(await outbox(t, user.email, 'password_reset')).toHaveLength(mailBefore + 1);
  });
  it('SEC-BF-04: an IPv6 client is limited per /64: 100 failures from 100 addresses of one /64 → 429 from any other address in it; the next /64 is not affected', async () => {
    const net = '2001:db8:4:64';
    for (let i = 0; i < 100; i += 1) {
      // A fresh interface id for every request: what rotating through one's own /64 looks like.
      const ip = `${net}:${((i * 7919) % 0x10000).toString(16)}:${i.toString(16)}:beef:${(i + 1).toString(16)}`;
      const res = await signInAs(t, `bf04-v6-${i % 20}@example.test`, WRONG, { ip });
      expect(res.statusCode, `attempt ${i + 1}: ${res.body}`).toBe(401);
    }
    for (const ip of [`${net}::1`, `${net}:ffff:ffff:ffff:ffff`, `2001:0DB8:0004:0064:0:0:0:abcd`]) {
      expectRateLimited(await signInAs(t, user.email, user.password, { ip }), 900);
    }
    // The neighbouring /64 and an IPv4 client are someone else.
    for (const ip of ['2001:db8:4:65::1', '203.0.113.64']) {
      expect((await signInAs(t, user.email, user.password, { ip })).statusCode, ip).toBe(200);
    }
    // The audit trail still records each full address.
    const events = await auditOf(t, 'auth.sign_in', 'bf04-v6-0@example.test');
    expect(new Set(events.map((e) => e.ip)).size).toBe(events.length);
  });

  it('SEC-BF-04: forgot-password is limited per IPv6 /64 too', async () => {
    for (let i = 0; i < 10; i += 1) {
      expect((await forgot(t, `bf04-v6-forgot-${i}@example.test`, `2001:db8:f:1::${i + 1}`)).statusCode).toBe(
        202,
      );
    }
    expectRateLimited(await forgot(t, 'bf04-v6-forgot-x@example.test', '2001:db8:f:1:abcd::99'), 3600);
    expect((await forgot(t, 'bf04-v6-forgot-y@example.test', '2001:db8:f:2::1')).statusCode).toBe(202);
  });

  it('SEC-BF-04: IPV6_RATE_LIMIT_PREFIX sets the prefix (a /56 here: the whole site shares one allowance); a bad value stops start-up', async () => {
    const wide = closing.add(await buildTestApp({ env: { IPV6_RATE_LIMIT_PREFIX: '56' } }));
    const someone = await seedUser(wide, { email: 'bf04.site@example.test', name: 'Site Wide' });
    for (let i = 0; i < 100; i += 1) {
      const ip = `2001:db8:7:${(i % 256).toString(16)}::${(i + 1).toString(16)}`; // 2001:db8:7:00xx::/56
      expect((await signInAs(wide, `bf04-site-${i % 20}@example.test`, WRONG, { ip })).statusCode).toBe(401);
    }
    expectRateLimited(await signInAs(wide, someone.email, someone.password, { ip: '2001:db8:7:ff::1' }), 900);
    expect(
      (await signInAs(wide, someone.email, someone.password, { ip: '2001:db8:7:100::1' })).statusCode,
    ).toBe(200);

    for (const bad of ['20', '129', '64.5', 'sixty-four']) {
      expect(() => loadConfig({ IPV6_RATE_LIMIT_PREFIX: bad }), bad).toThrow(
        /IPV6_RATE_LIMIT_PREFIX=.*expected a whole number from 32 to 128/,
      );
    }
    expect(loadConfig({}).ipv6RateLimitPrefix).toBe(64);
  });

  it('SEC-BF-04: clientRateKey: IPv4 as it is; IPv6 masked to its prefix in every spelling; IPv4-mapped IPv6 is the IPv4 address', () => {
    expect(clientRateKey('203.0.113.9', 64)).toBe('203.0.113.9');
    for (const spelling of [
      '2001:db8:1:2:3:4:5:6',
      '2001:DB8:1:2::ffff',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2::1%eth0',
      '2001:db8:1:2::192.0.2.1',
    ]) {
      expect(clientRateKey(spelling, 64), spelling).toBe('2001:db8:1:2:0:0:0:0/64');
    }
    expect(clientRateKey('2001:db8:1:2::1', 48)).toBe('2001:db8:1:0:0:0:0:0/48');
    expect(clientRateKey('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200:0:0:0:0/56');
    expect(clientRateKey('2001:db8::1', 128)).toBe('2001:db8:0:0:0:0:0:1/128');
    expect(clientRateKey('::ffff:198.51.100.7', 64)).toBe('198.51.100.7');
    expect(clientRateKey('::ffff:c633:6407', 64)).toBe('198.51.100.7');
    expect(clientRateKey('::1', 64)).toBe('0:0:0:0:0:0:0:0/64');
    expect(clientRateKey(null, 64)).toBe('unknown');
    expect(clientRateKey('not an address', 64)).toBe('unknown');
  });

  it("SEC-BF-04: only failures use up an IP's allowance: successful sign-ins from the same address do not count", async () => {
    const t = closing.add(await buildTestApp());
    const user = await seedUser(t, { email: 'bf04.office@example.test', name: 'Office Nat' });
    const ip = '203.0.113.60';
    for (let i = 0; i < 99; i += 1) {
      expect((await signInAs(t, `bf04-office-${i % 20}@example.test`, WRONG, { ip })).statusCode).toBe(401);
    }
    for (let i = 0; i < 20; i += 1) {
      expect((await signInAs(t, user.email, user.password, { ip })).statusCode).toBe(200);
    }
    // The 100th failure is still allowed; the request after it is not.
    expect((await signInAs(t, 'bf04-office-x@example.test', WRONG, { ip })).statusCode).toBe(401);
    expectRateLimited(await signInAs(t, user.email, user.password, { ip }), 900);
  });
});

describe('race safety', () => {
  it('SEC-BF-05: 100 parallel wrong sign-ins record at most threshold + 1 failures and lock the account once; the right password hidden last in the burst does not get in', async () => {
    const t = closing.add(await buildTestApp());
    const user = await seedUser(t, { email: 'bf05.race@example.test', name: 'Race Target' });
    // 99 wrong guesses and the right one last, all at once, each from its own address: the lockout
    // must hold against the burst, not only against the failures recorded after it.
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        signInAs(t, user.email, i === 99 ? user.password : `${WRONG} ${i}`),
      ),
    );
    const [first] = answers;
    for (const [i, res] of answers.entries()) {
      expect(res.statusCode, `request ${i}: ${res.body}`).toBe(401);
      expect(res.body).toBe(first?.body);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const failures = await failuresOf(t, user.email);
    expect(failures).toBeGreaterThanOrEqual(10);
    expect(failures).toBeLessThanOrEqual(11);
    expect(await lockedUntilOf(t, user.email)).toBe(t.clock.now() + MINUTE);
    expect(await auditOf(t, 'auth.lockout', user.email)).toHaveLength(1);
    expect(await outbox(t, user.email, 'lockout')).toHaveLength(1);
    // Every attempt was still audited as a failure.
    expect(await auditOf(t, 'auth.sign_in', user.email)).toHaveLength(100);
    expect(await t.db.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
    expect((await signInAs(t, user.email, user.password)).statusCode).toBe(401);
  });

  it('SEC-BF-05: right and wrong passwords for the same accounts from one IP at once never deadlock: each answers 200 or 401 as it should', async () => {
    // The per-address hash share (SEC-PS-02, 32 by default) would answer part of a one-address burst
    // 429 before it reaches the counters; this test is about the counters, so the share is raised.
    const t = closing.add(await buildTestApp({ env: { HASH_QUEUE_PER_IP: '1000' } }));
    const ip = '203.0.113.77';
    const people = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        seedUser(t, { email: `bf05.mixed${i}@example.test`, name: `Mixed Burst ${i}` }),
      ),
    );
    // Counting takes the IP's row and then the account's; a success gives both back. Were the
    // success to take them in the other order, PostgreSQL would abort some of these as deadlocked.
    // Eight attempts per account (two wrong): fewer than the lockout threshold even all in flight.
    const wrong = (i: number) => Math.floor(i / people.length) % 4 === 3;
    const answers = await Promise.all(
      Array.from({ length: 8 * people.length }, (_, i) => {
        const person = people[i % people.length] as (typeof people)[number];
        return signInAs(t, person.email, wrong(i) ? `${WRONG} ${i}` : person.password, { ip });
      }),
    );
    for (const [i, res] of answers.entries())
      expect(res.statusCode, `request ${i}: ${res.body}`).toBe(wrong(i) ? 401 : 200);
  });

  it('SEC-BF-05: a parallel burst from one IP cannot outrun the per-IP limit: of 300 failures at once, 100 are answered 401 and the rest 429', async () => {
    // As above: the hash share is raised so that the burst meets the per-IP counter, which is tested here.
    const t = closing.add(await buildTestApp({ env: { HASH_QUEUE_PER_IP: '1000' } }));
    const ip = '203.0.113.50';
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => signInAs(t, `bf05-burst-${i % 60}@example.test`, WRONG, { ip })),
    );
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200);
    // Only the 100 that got through were checked and audited.
    const audited = await t.db.db
      .selectFrom('auditEvents')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('action', '=', 'auth.sign_in')
      .where('ip', '=', ip)
      .executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBe(100);
  });

  it('SEC-BF-05: shared by all nodes: 100 parallel sign-ins split over two app nodes on one database lock the account once, the right password last included', async () => {
    const [a, b] = await buildTwoNodes();
    const user = await seedUser(a, { email: 'bf05.nodes@example.test', name: 'Two Nodes' });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        signInAs(i % 2 ? a : b, user.email, i === 99 ? user.password : `${WRONG} ${i}`),
      ),
    );
    // All refused, including the right password sent last.
    for (const res of answers) expect(res.statusCode, res.body).toBe(401);
    const failures = await failuresOf(a, user.email);
    expect(failures).toBeGreaterThanOrEqual(10);
    expect(failures).toBeLessThanOrEqual(11);
    expect(await lockedUntilOf(b, user.email)).toBe(a.clock.now() + MINUTE);
    expect(await outbox(a, user.email, 'lockout')).toHaveLength(1);
    // Locked on both nodes.
    expect((await signInAs(a, user.email, user.password)).statusCode).toBe(401);
    expect((await signInAs(b, user.email, user.password)).statusCode).toBe(401);
    a.clock.advance(MINUTE);
    expect((await signInAs(b, user.email, user.password)).statusCode).toBe(200);
  });

  it('SEC-BF-05: the per-IP limit is shared by all nodes', async () => {
    const [a, b] = await buildTwoNodes();
    const user = await seedUser(a, { email: 'bf05.ip@example.test', name: 'Shared Ip' });
    const ip = '203.0.113.99';
    for (let i = 0; i < 100; i += 1) {
      const res = await signInAs(i % 2 ? a : b, `bf05-ip-${i % 20}@example.test`, WRONG, { ip });
      expect(res.statusCode).toBe(401);
    }
    expectRateLimited(await signInAs(a, user.email, user.password, { ip }), 900);
    expectRateLimited(await signInAs(b, user.email, user.password, { ip }), 900);
  });
});

describe('forgot-password per submitted address', () => {
  it('SEC-ENUM-03: an existing and an unknown address are throttled alike: 4 requests each → four identical 202s, 3 mails, the 4th audited as throttled', async () => {
    const t = closing.add(await buildTestApp());
    const user = await seedUser(t, { email: 'enum03.exists@example.test', name: 'Exists Here' });
    const unknown = 'enum03.nobody@example.test';

    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 4; i += 1) {
      // Each from another IP (the per-IP limit is not what this is about), one differently spelled.
      answers.push(await forgot(t, i === 2 ? '  ENUM03.Exists@Example.test ' : user.email));
      answers.push(await forgot(t, i === 2 ? 'Enum03.NOBODY@example.test' : unknown));
    }
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(202);
      expect(res.body).toBe(answers[0]?.body);
      expect(res.headers['content-type']).toBe(answers[0]?.headers['content-type']);
    }

    expect(await outbox(t, user.email, 'password_reset')).toHaveLength(3);
    expect(await outbox(t, unknown)).toHaveLength(0);

    for (const [label, id] of [
      [user.email, user.id],
      [unknown, null],
    ] as const) {
      const events = await auditOf(t, 'auth.password_reset_requested', label);
      expect(events, label).toHaveLength(4);
      expect(
        events.map((e) => e.details.reason === 'throttled'),
        label,
      ).toEqual([false, false, false, true]);
      expect(events[3]).toMatchObject({ outcome: 'failure', targetId: id });
    }
    // Only the newest link works: the 4th request did not issue a token behind the user's back.
    const links = (await outbox(t, user.email, 'password_reset')).map(
      (m) => resetLinkIn(m.textBody ?? '').token,
    );
    const statusOf = async (token: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/v1/auth/reset-password/status?token=${token}` }))
        .statusCode;
    expect(await statusOf(links[2] as string)).toBe(200);
    expect(await statusOf(links[1] as string)).toBe(400);

    // The limit is a window: an hour later a request queues mail again.
    t.clock.advance(HOUR);
    expect((await forgot(t, user.email)).statusCode).toBe(202);
    expect(await outbox(t, user.email, 'password_reset')).toHaveLength(4);
  });
});
