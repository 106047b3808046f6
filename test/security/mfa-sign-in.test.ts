import { describe, expect, it } from 'vitest';
import { buildTestApp, buildTwoNodes, request, sessionCookieOf, signedIn, type TestApp } from '../harness.js';
import { codeAt, enrollTotp, passwordStep, signInWithCode } from '../mfa/helpers.js';

const verify = (t: TestApp, cookie: string | null, code: string, method = 'totp') =>
  request(t, cookie, { method: 'POST', url: '/api/v1/auth/mfa/verify', payload: { method, code } });

async function withFactor(t: TestApp, role: 'admin' | 'member' | 'viewer' = 'member') {
  const user = await signedIn(t, role);
  const factor = await enrollTotp(t, user.cookie);
  return { ...user, ...factor };
}

describe('sign-in with a second step', () => {
  it('SEC-MFA-05: a correct password alone opens a pending session: 403 mfa_required everywhere but the second step', async () => {
    const t = await buildTestApp();
    const user = await withFactor(t);
    const pending = await passwordStep(t, user.email, user.password);
    expect(pending.body).toEqual({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
    for (const [method, url] of [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/me/sessions'],
      ['GET', '/api/v1/me/factors'],
      ['POST', '/api/v1/me/recovery-codes'],
      ['GET', '/api/v1/me/tokens'],
      ['POST', '/api/v1/auth/reauthenticate'],
    ] as const) {
      const res = await request(t, pending.cookie, {
        method,
        url,
        ...(method === 'POST' ? { payload: { password: user.password } } : {}),
      });
      expect(`${method} ${url} ${res.statusCode} ${res.json().error?.code}`).toBe(
        `${method} ${url} 403 mfa_required`,
      );
    }
    const done = await verify(t, pending.cookie, codeAt(t, user.secret));
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ user: { email: user.email }, passwordChangeRequired: false });
    // A new session id: the pending cookie is gone, the new one is full.
    const full = sessionCookieOf(done);
    expect(full).not.toBe(pending.cookie);
    expect((await request(t, pending.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await request(t, full, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    // The sign-in is audited when it is complete, with the method.
    const events = await t.db.db
      .selectFrom('auditEvents')
      .select(['action', 'details'])
      .where('targetId', '=', user.id)
      .where('action', 'in', ['auth.password_verified', 'auth.sign_in'])
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action).slice(-2)).toEqual(['auth.password_verified', 'auth.sign_in']);
  });

  it('SEC-MFA-05: wrong, used and expired answer the same 401 invalid_code', async () => {
    const t = await buildTestApp();
    const user = await withFactor(t);
    const pending = await passwordStep(t, user.email, user.password);
    const code = codeAt(t, user.secret);
    const wrong = await verify(t, pending.cookie, code === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(401);
    expect((await verify(t, pending.cookie, code)).statusCode).toBe(200);

    const second = await passwordStep(t, user.email, user.password);
    const used = await verify(t, second.cookie, code);
    const third = await passwordStep(t, user.email, user.password);
    t.clock.advance(11 * 60_000);
    const expired = await verify(t, third.cookie, codeAt(t, user.secret));
    const none = await verify(t, null, codeAt(t, user.secret));
    for (const res of [wrong, used, expired, none]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(wrong.json());
    }
    expect(wrong.json().error.code).toBe('invalid_code');
  });

  it('SEC-MFA-05: wrong codes count toward the password lockout (SEC-BF-01), and a new password step does not reset them', async () => {
    const t = await buildTestApp();
    const user = await withFactor(t);
    // 9 wrong codes over several pending sessions: each password step counts as one attempt too until
    // the second step succeeds, so the account locks well before 10 guesses at codes per password.
    let attempts = 0;
    let locked = false;
    for (let round = 0; round < 6 && !locked; round += 1) {
      const pending = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: user.email, password: user.password },
      });
      if (pending.statusCode === 401) {
        locked = true;
        break;
      }
      attempts += 1;
      const cookie = sessionCookieOf(pending);
      const right = codeAt(t, user.secret);
      const res = await verify(t, cookie, right === '123456' ? '654321' : '123456');
      attempts += 1;
      expect(res.statusCode).toBe(401);
    }
    expect(locked).toBe(true);
    expect(attempts).toBeLessThanOrEqual(10);
    const throttle = await t.db.db
      .selectFrom('accountThrottle')
      .selectAll()
      .where('key', '=', user.email)
      .execute();
    expect(throttle[0]?.lockedUntil).not.toBeNull();
    const lockoutMail = await t.db.db
      .selectFrom('mailOutbox')
      .select('template')
      .where('toAddress', '=', user.email)
      .where('template', '=', 'lockout')
      .execute();
    expect(lockoutMail).toHaveLength(1);
  });

  it('SEC-MFA-01: a code accepted on one node is refused on the other (the last step is in the database)', async () => {
    const [a, b] = await buildTwoNodes();
    const user = await withFactor(a);
    const pa = await passwordStep(a, user.email, user.password);
    const pb = await passwordStep(b, user.email, user.password);
    const code = codeAt(a, user.secret);
    const [ra, rb] = await Promise.all([verify(a, pa.cookie, code), verify(b, pb.cookie, code)]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 401]);
    // And the next step's code still works (on either node).
    a.clock.advance(30_000);
    const loser = ra.statusCode === 401 ? { t: a, cookie: pa.cookie } : { t: b, cookie: pb.cookie };
    expect((await verify(loser.t, loser.cookie, codeAt(a, user.secret))).statusCode).toBe(200);
  });

  it('SEC-MFA-06: a password reset by link keeps the factors: the next sign-in still asks for the second step', async () => {
    const t = await buildTestApp();
    const user = await withFactor(t);
    const forgot = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email: user.email },
    });
    expect(forgot.statusCode).toBeLessThan(300);
    const mail = await t.db.db
      .selectFrom('mailOutbox')
      .select('textBody')
      .where('toAddress', '=', user.email)
      .where('template', '=', 'password_reset')
      .executeTakeFirstOrThrow();
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.textBody ?? '')?.[1];
    const newPassword = 'a brand new passphrase 77';
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token, newPassword },
    });
    expect(reset.statusCode, reset.body).toBeLessThan(300);
    const pending = await passwordStep(t, user.email, newPassword);
    expect(pending.body).toMatchObject({ mfaRequired: true });
    expect((await request(t, pending.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(403);
    const full = await signInWithCode(t, user.email, newPassword, user.secret);
    expect((await request(t, full, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });
});
