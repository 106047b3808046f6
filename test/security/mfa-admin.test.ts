import { describe, expect, it } from 'vitest';
import { buildTestApp, request, sessionCookieOf, signedIn, type TestApp } from '../harness.js';
import { codeAt, enrollTotp, passwordStep, signInWithCode } from '../mfa/helpers.js';

const MINUTE = 60_000;

async function templatesTo(t: TestApp, to: string): Promise<string[]> {
  const rows = await t.db.db
    .selectFrom('mailOutbox')
    .select('template')
    .where('toAddress', '=', to)
    .orderBy('createdAt')
    .execute();
  return rows.map((r) => r.template);
}

async function textOf(t: TestApp, to: string, template: string): Promise<string> {
  const row = await t.db.db
    .selectFrom('mailOutbox')
    .select('textBody')
    .where('toAddress', '=', to)
    .where('template', '=', template)
    .orderBy('createdAt', 'desc')
    .executeTakeFirstOrThrow();
  return row.textBody ?? '';
}

describe('Reset access', () => {
  it('SEC-MFA-06: one admin action removes the factors, ends sessions and tokens, audits the reason, mails the user; the link works once on any device', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const user = await signedIn(t, 'member');
    const { secret } = await enrollTotp(t, user.cookie);
    const token = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'laptop script' },
    });
    expect(token.statusCode, token.body).toBe(201);

    const before = await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${user.id}` });
    expect(before.json().mfa).toEqual({ enabled: true, totp: 1, passkeys: 0, recoveryCodesRemaining: 10 });
    const bad = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/reset-access`,
      payload: { scope: 'factors', reason: '   ', send: false },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('reason');

    const res = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/reset-access`,
      payload: { scope: 'factors', reason: 'lost phone, confirmed by video call', send: false },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ expiresAt: string; sent: boolean; link: string }>();
    expect(body.sent).toBe(false);
    expect(Date.parse(body.expiresAt) - t.clock.now()).toBe(24 * 60 * MINUTE);
    expect(body.link).toMatch(/^http:\/\/localhost:8080\/enroll\?token=[A-Za-z0-9_-]{43}$/);
    // The admin never sees a factor secret.
    expect(res.body).not.toContain(secret);

    const after = await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${user.id}` });
    expect(after.json().mfa).toEqual({ enabled: false, totp: 0, passkeys: 0, recoveryCodesRemaining: 0 });
    expect((await request(t, user.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const bearer = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token.json().token}` },
    });
    expect(bearer.statusCode).toBe(401);
    const event = await t.db.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'user.access_reset')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({
      scope: 'factors',
      reason: 'lost phone, confirmed by video call',
      factorsRemoved: 1,
      tokensRevoked: 1,
    });
    expect(event.actorId).toBe(admin.id);
    expect(await templatesTo(t, user.email)).toContain('mfa_access_reset');
    expect(await textOf(t, user.email, 'mfa_access_reset')).toContain('lost phone, confirmed by video call');

    // The link: another "device" (no cookie), once, with the user's password (scope factors).
    const linkToken = new URL(body.link).searchParams.get('token') ?? '';
    const status = await t.app.inject({ method: 'GET', url: `/api/v1/auth/enrollment?token=${linkToken}` });
    expect(status.json()).toMatchObject({ scope: 'factors', email: user.email });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/enrollment',
      payload: { token: linkToken, password: 'not the password at all' },
    });
    expect(wrong.statusCode).toBe(401);
    const used = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/enrollment',
      payload: { token: linkToken, password: user.password },
    });
    expect(used.statusCode, used.body).toBe(200);
    const cookie = sessionCookieOf(used);
    expect((await request(t, cookie, { method: 'GET', url: '/api/v1/me/factors' })).json()).toMatchObject({
      totp: [],
    });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/enrollment',
      payload: { token: linkToken, password: user.password },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('invalid_enrollment_link');
    // A sign-in with the password alone is a full one again: the factors are gone.
    const plain = await passwordStep(t, user.email, user.password);
    expect(plain.body).toMatchObject({ passwordChangeRequired: false });
  });

  it('SEC-MFA-06: scope all removes the password too; the mailed link sets a new one; an admin password reset leaves the factors', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const user = await signedIn(t, 'member');
    const { secret } = await enrollTotp(t, user.cookie);

    // An admin's password reset leaves the factors: the temporary password still needs the second step.
    const reset = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { generate: true },
    });
    expect(reset.statusCode, reset.body).toBe(200);
    const temporary = reset.json().generatedPassword as string;
    const pending = await passwordStep(t, user.email, temporary);
    expect(pending.body).toMatchObject({ mfaRequired: true });
    await signInWithCode(t, user.email, temporary, secret);

    const res = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/reset-access`,
      payload: { scope: 'all', reason: 'account recovery ticket 4521', send: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).not.toHaveProperty('link');
    expect(res.json().sent).toBe(true);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: temporary },
    });
    expect(refused.statusCode).toBe(401);
    const mail = await textOf(t, user.email, 'mfa_access_reset');
    const linkToken = /enroll\?token=([A-Za-z0-9_-]+)/.exec(mail)?.[1] ?? '';
    expect(linkToken).not.toBe('');
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/enrollment',
      payload: { token: linkToken, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    const newPassword = 'lanterns over the quiet harbour 9';
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/enrollment',
      payload: { token: linkToken, password: newPassword },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const plain = await passwordStep(t, user.email, newPassword);
    expect(plain.body).toMatchObject({ passwordChangeRequired: false });
  });

  it('SEC-MFA-06: members cannot reset access; a used or unknown link answers 400 invalid_enrollment_link', async () => {
    const t = await buildTestApp();
    const member = await signedIn(t, 'member');
    const other = await signedIn(t, 'member');
    const res = await request(t, member.cookie, {
      method: 'POST',
      url: `/api/v1/users/${other.id}/reset-access`,
      payload: { scope: 'factors', reason: 'x', send: false },
    });
    expect(res.statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/auth/enrollment?token=nope' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('invalid_enrollment_link');
  });
});

describe('step-up', () => {
  it('SEC-MFA-07: after 10 minutes, factors, recovery codes and API tokens want the password or a code again (403 reauthentication_required)', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t, 'member');
    const { secret, factorId } = await enrollTotp(t, user.cookie);
    t.clock.advance(11 * MINUTE);
    for (const [method, url, payload] of [
      ['POST', '/api/v1/me/factors/totp', undefined],
      ['DELETE', `/api/v1/me/factors/${factorId}`, undefined],
      ['POST', '/api/v1/me/recovery-codes', undefined],
      ['POST', '/api/v1/me/tokens', { name: 'ci' }],
    ] as const) {
      const res = await request(t, user.cookie, { method, url, ...(payload ? { payload } : {}) });
      expect(`${method} ${url} ${res.statusCode} ${res.json().error?.code}`).toBe(
        `${method} ${url} 403 reauthentication_required`,
      );
    }
    // Reading stays open.
    expect((await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' })).statusCode).toBe(
      200,
    );
    const wrong = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/auth/reauthenticate',
      payload: { password: 'certainly not it' },
    });
    expect(wrong.statusCode).toBe(401);
    const byCode = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/auth/reauthenticate',
      payload: { method: 'totp', code: codeAt(t, secret) },
    });
    expect(byCode.statusCode, byCode.body).toBe(204);
    expect(
      (await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/recovery-codes' })).statusCode,
    ).toBe(200);
    t.clock.advance(11 * MINUTE);
    const byPassword = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/auth/reauthenticate',
      payload: { password: user.password },
    });
    expect(byPassword.statusCode).toBe(204);
    expect(
      (await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/tokens', payload: { name: 'ci' } }))
        .statusCode,
    ).toBe(201);
  });

  it('SEC-MFA-07: wrong answers at the step-up share the current-password limit (5 in 15 minutes, then 429) and never lock the account', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t, 'member');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await request(t, user.cookie, {
        method: 'POST',
        url: '/api/v1/auth/reauthenticate',
        payload: { password: `wrong guess number ${i}` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Sign-in is untouched: whoever holds a session cannot lock its owner out.
    expect((await passwordStep(t, user.email, user.password)).body).toMatchObject({
      passwordChangeRequired: false,
    });
    const throttle = await t.db.db
      .selectFrom('accountThrottle')
      .selectAll()
      .where('key', '=', user.email)
      .execute();
    expect(throttle.every((r) => r.lockedUntil === null)).toBe(true);
  });

  it('SEC-MFA-07: an admin acting on another admin after 10 minutes must reauthenticate; on a member they need not', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const other = await signedIn(t, 'admin');
    const member = await signedIn(t, 'member');
    t.clock.advance(11 * MINUTE);
    const onAdmin = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${other.id}/unlock`,
    });
    expect(onAdmin.statusCode).toBe(403);
    expect(onAdmin.json().error.code).toBe('reauthentication_required');
    const reset = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${other.id}/reset-access`,
      payload: { scope: 'factors', reason: 'test', send: false },
    });
    expect(reset.json().error.code).toBe('reauthentication_required');
    expect(
      (await request(t, admin.cookie, { method: 'POST', url: `/api/v1/users/${member.id}/unlock` }))
        .statusCode,
    ).toBe(200);
    expect(
      (await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${other.id}` })).statusCode,
    ).toBe(200);
    await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/auth/reauthenticate',
      payload: { password: admin.password },
    });
    expect(
      (await request(t, admin.cookie, { method: 'POST', url: `/api/v1/users/${other.id}/unlock` }))
        .statusCode,
    ).toBe(200);
  });
});

describe('policy per role', () => {
  it('SEC-MFA-08: "required" for Admin leads an admin without a factor through enrollment after the password; the policy never locks every admin out', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const member = await signedIn(t, 'member');
    const patch = await request(t, admin.cookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { mfaPolicy: { admin: 'required', member: 'optional', viewer: 'optional', graceDays: 0 } },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().mfaPolicy).toMatchObject({ admin: 'required', graceDays: 0 });
    const bad = await request(t, admin.cookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { mfaPolicy: { admin: 'always', member: 'optional', viewer: 'optional', graceDays: 0 } },
    });
    expect(bad.statusCode).toBe(400);

    // Every admin (here: the only one) can still sign in, and is led to set up a factor first.
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: admin.email, password: admin.password },
    });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json()).toMatchObject({ mfaEnrollmentRequired: true });
    const restricted = sessionCookieOf(signIn);
    const users = await request(t, restricted, { method: 'GET', url: '/api/v1/users' });
    expect(users.statusCode).toBe(403);
    expect(users.json().error.code).toBe('mfa_enrollment_required');
    const { secret } = await enrollTotp(t, restricted);
    expect((await request(t, restricted, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    // With its one factor, removing it is refused while the policy requires one.
    const factors = await request(t, restricted, { method: 'GET', url: '/api/v1/me/factors' });
    const removal = await request(t, restricted, {
      method: 'DELETE',
      url: `/api/v1/me/factors/${factors.json().totp[0].id}`,
    });
    expect(removal.statusCode).toBe(409);
    expect(removal.json().error.code).toBe('factor_required');
    // Next sign-in: the second step, then a full session.
    const full = await signInWithCode(t, admin.email, admin.password, secret);
    expect((await request(t, full, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    // Members are not concerned.
    expect((await passwordStep(t, member.email, member.password)).body).not.toHaveProperty(
      'mfaEnrollmentRequired',
    );
  });

  it('SEC-MFA-08: a grace period lets users sign in without a factor until it runs out', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const member = await signedIn(t, 'member');
    await request(t, admin.cookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { mfaPolicy: { admin: 'optional', member: 'required', viewer: 'optional', graceDays: 3 } },
    });
    expect((await passwordStep(t, member.email, member.password)).body).not.toHaveProperty(
      'mfaEnrollmentRequired',
    );
    t.clock.advance(3 * 24 * 60 * MINUTE);
    expect((await passwordStep(t, member.email, member.password)).body).toMatchObject({
      mfaEnrollmentRequired: true,
    });
  });
});

describe('notices', () => {
  it('SEC-MFA-09: factor added and removed, codes regenerated, a recovery code used (with how many remain) are mailed, en and fr, without secrets', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t, 'member');
    await request(t, user.cookie, { method: 'PATCH', url: '/api/v1/me', payload: { locale: 'fr' } });
    const { secret, factorId, recoveryCodes } = await enrollTotp(t, user.cookie);
    await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/recovery-codes' });
    const codes = (await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/recovery-codes' })).json()
      .codes as string[];
    const pending = await passwordStep(t, user.email, user.password);
    const used = await request(t, pending.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      payload: { method: 'recovery_code', code: codes[0] },
    });
    expect(used.statusCode).toBe(200);
    const full = sessionCookieOf(used);
    expect(
      (await request(t, full, { method: 'DELETE', url: `/api/v1/me/factors/${factorId}` })).statusCode,
    ).toBe(204);
    expect(await templatesTo(t, user.email)).toEqual(
      expect.arrayContaining([
        'mfa_factor_added',
        'mfa_codes_regenerated',
        'mfa_recovery_code_used',
        'mfa_factor_removed',
      ]),
    );
    const usedMail = await textOf(t, user.email, 'mfa_recovery_code_used');
    expect(usedMail).toContain('Il vous reste 9 codes de secours');
    const rows = await t.db.db.selectFrom('mailOutbox').select(['textBody', 'htmlBody', 'subject']).execute();
    const all = JSON.stringify(rows);
    for (const s of [secret, ...recoveryCodes, ...codes]) expect(all).not.toContain(s);
    // The same notice in English for an English reader.
    const en = await signedIn(t, 'member');
    await enrollTotp(t, en.cookie);
    expect(await textOf(t, en.email, 'mfa_factor_added')).toContain('was added to the two-step verification');
  });
});

describe('admin view', () => {
  it('SEC-MFA-06: Manage users shows two-step verification per user (counts only) and filters on it', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const withFactor = await signedIn(t, 'member');
    await enrollTotp(t, withFactor.cookie);
    const without = await signedIn(t, 'member');
    const enabled = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/users?mfa=enabled' });
    expect(enabled.json().items.map((u: { id: string }) => u.id)).toEqual([withFactor.id]);
    expect(enabled.json().total).toBe(1);
    expect(enabled.json().items[0].mfa).toEqual({
      enabled: true,
      totp: 1,
      passkeys: 0,
      recoveryCodesRemaining: 10,
    });
    const disabled = await request(t, admin.cookie, {
      method: 'GET',
      url: '/api/v1/users?mfa=disabled&q=example',
    });
    const ids = disabled.json().items.map((u: { id: string }) => u.id);
    expect(ids).toContain(without.id);
    expect(ids).toContain(admin.id);
    expect(ids).not.toContain(withFactor.id);
    expect(disabled.json().total).toBe(2);
    const bad = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/users?mfa=maybe' });
    expect(bad.statusCode).toBe(400);
  });
});
