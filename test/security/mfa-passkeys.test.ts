import { describe, expect, it } from 'vitest';
import { failedAttempts } from '../../src/modules/throttle/index.js';
import { buildTestApp, buildTwoNodes, request, sessionCookieOf, signedIn, type TestApp } from '../harness.js';
import { GOOGLE_PASSWORD_MANAGER, type SoftAuthenticator } from '../mfa/authenticator.js';
import { enrollTotp, passwordStep, signInWithCode } from '../mfa/helpers.js';
import { addPasskey, authenticatorFor, creationOptions, passkeySignIn } from '../mfa/passkeys.js';

const MINUTE = 60_000;

async function withPasskey(t: TestApp, role: 'admin' | 'member' = 'member') {
  const user = await signedIn(t, role);
  const authenticator = authenticatorFor(t);
  const added = await addPasskey(t, user.cookie, authenticator);
  expect(added.statusCode, added.body).toBe(201);
  return { ...user, authenticator, factorId: added.json().factor.id as string };
}

/** The second step with a passkey on a pending session: request options, then the answer. */
async function secondStep(t: TestApp, cookie: string, authenticator: SoftAuthenticator, behaviour = {}) {
  const options = await request(t, cookie, { method: 'POST', url: '/api/v1/auth/mfa/passkey/options' });
  expect(options.statusCode, options.body).toBe(200);
  const response = authenticator.get(options.json(), behaviour);
  const res = await request(t, cookie, {
    method: 'POST',
    url: '/api/v1/auth/mfa/verify',
    payload: { method: 'passkey', response },
  });
  return { options: options.json(), response, res };
}

async function auditActions(t: TestApp, userId: string) {
  const rows = await t.db.db
    .selectFrom('auditEvents')
    .select(['action', 'outcome', 'details'])
    .where('targetId', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    ...r,
    details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
  }));
}

describe('adding a passkey', () => {
  it('SEC-MFA-04: creation options require a discoverable credential and exclude the passkeys already added; the passkey is listed, named after its AAGUID, with its backup state', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t);
    const options = await creationOptions(t, user.cookie);
    expect(options.rp).toEqual({ name: t.config.organizationName, id: 'localhost' });
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'preferred',
    });
    expect(options.excludeCredentials).toEqual([]);
    expect(options.timeout).toBe(5 * MINUTE);
    // The user handle is the account id, not the email.
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe(user.id);

    const synced = authenticatorFor(t, { aaguid: GOOGLE_PASSWORD_MANAGER, backedUp: true });
    const added = await addPasskey(t, user.cookie, synced);
    expect(added.statusCode, added.body).toBe(201);
    const body = added.json();
    expect(body.factor).toMatchObject({ name: 'Google Password Manager', backedUp: true, lastUsedAt: null });
    // The first factor comes with the recovery codes.
    expect(body.recoveryCodes).toHaveLength(10);
    t.clock.advance(1000);

    const named = await addPasskey(t, user.cookie, authenticatorFor(t), { name: 'Office key' });
    expect(named.statusCode, named.body).toBe(201);
    expect(named.json().factor).toMatchObject({ name: 'Office key', backedUp: false });
    expect(named.json()).not.toHaveProperty('recoveryCodes');
    t.clock.advance(1000);
    const unnamed = await addPasskey(t, user.cookie, authenticatorFor(t));
    expect(unnamed.json().factor.name).toBe('Passkey');

    const list = (await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' })).json();
    expect(list.passkeys.map((p: { name: string }) => p.name)).toEqual([
      'Google Password Manager',
      'Office key',
      'Passkey',
    ]);
    expect(list.passkeys[0]).toEqual({
      id: body.factor.id,
      name: 'Google Password Manager',
      createdAt: expect.any(String),
      lastUsedAt: null,
      backedUp: true,
    });
    // Stored: the credential, its public key, counter, transports, backup flag and AAGUID.
    const row = await t.db.db
      .selectFrom('mfaFactors')
      .selectAll()
      .where('id', '=', body.factor.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: 'passkey',
      credentialId: synced.id,
      aaguid: GOOGLE_PASSWORD_MANAGER,
      transports: '["internal"]',
    });
    expect(Number(row.signCount)).toBe(0);
    expect(row.publicKey?.length).toBeGreaterThan(60);

    // Each addition is audited and mailed (SEC-MFA-09).
    const events = (await auditActions(t, user.id)).filter((e) => e.action === 'mfa.factor_added');
    expect(events).toHaveLength(3);
    expect(events[0]?.details).toMatchObject({ kind: 'passkey', aaguid: GOOGLE_PASSWORD_MANAGER });
    const mails = await t.db.db
      .selectFrom('mailOutbox')
      .select('template')
      .where('toAddress', '=', user.email)
      .where('template', '=', 'mfa_factor_added')
      .execute();
    expect(mails).toHaveLength(3);
  });

  it('SEC-MFA-04: a second registration of the same authenticator is refused (excludeCredentials, and the server)', async () => {
    const t = await buildTestApp();
    const user = await withPasskey(t);
    const options = await creationOptions(t, user.cookie);
    expect(options.excludeCredentials).toEqual([
      { id: user.authenticator.id, type: 'public-key', transports: ['internal'] },
    ]);
    // The authenticator refuses, as a device does when its credential is excluded.
    expect(() => user.authenticator.create(options)).toThrow(/InvalidStateError/);
    // A client that ignores the exclusion and sends the same credential again is refused too.
    const forced = user.authenticator.create({ ...options, excludeCredentials: [] });
    const res = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/me/factors/passkeys',
      payload: { response: forced },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('passkey_already_registered');
    const list = (await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' })).json();
    expect(list.passkeys).toHaveLength(1);
  });

  it('SEC-MFA-04: a registration answer for another origin or RP ID, a replayed one or one past 5 minutes is refused and adds nothing', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t);
    for (const behaviour of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const res = await addPasskey(t, user.cookie, authenticatorFor(t), { behaviour });
      expect(res.statusCode, JSON.stringify(behaviour)).toBe(400);
      expect(res.json().error.code).toBe('invalid_passkey_response');
    }
    // Replayed: the challenge was consumed by the first use.
    const authenticator = authenticatorFor(t);
    const options = await creationOptions(t, user.cookie);
    const response = authenticator.create(options);
    const post = () =>
      request(t, user.cookie, { method: 'POST', url: '/api/v1/me/factors/passkeys', payload: { response } });
    expect((await post()).statusCode).toBe(201);
    await request(t, user.cookie, {
      method: 'DELETE',
      url: `/api/v1/me/factors/${(await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' })).json().passkeys[0].id}`,
    });
    const replay = await post();
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error.code).toBe('invalid_passkey_response');
    // Expired.
    const late = authenticatorFor(t);
    const lateOptions = await creationOptions(t, user.cookie);
    t.clock.advance(5 * MINUTE + 1000);
    const expired = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/me/factors/passkeys',
      payload: { response: late.create(lateOptions) },
    });
    expect(expired.statusCode).toBe(400);
    // A challenge issued to another session does not serve this one.
    const other = await signedIn(t);
    const otherOptions = await creationOptions(t, other.cookie);
    const crossed = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/me/factors/passkeys',
      payload: { response: authenticatorFor(t).create(otherOptions) },
    });
    expect(crossed.statusCode).toBe(400);
    const list = (await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' })).json();
    expect(list.passkeys).toEqual([]);
  });

  it('SEC-MFA-07: adding a passkey needs a recent authentication, which a passkey gives (step-up)', async () => {
    const t = await buildTestApp();
    const user = await withPasskey(t);
    t.clock.advance(11 * MINUTE);
    const late = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/me/factors/passkeys/options',
    });
    expect(late.statusCode).toBe(403);
    expect(late.json().error.code).toBe('reauthentication_required');
    const removal = await request(t, user.cookie, {
      method: 'DELETE',
      url: `/api/v1/me/factors/${user.factorId}`,
    });
    expect(removal.json().error.code).toBe('reauthentication_required');
    // Step-up with the passkey: request options on the session, then the answer.
    const options = await request(t, user.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/passkey/options',
    });
    expect(options.json().allowCredentials).toEqual([
      { id: user.authenticator.id, type: 'public-key', transports: ['internal'] },
    ]);
    const response = user.authenticator.get(options.json());
    const reauth = () =>
      request(t, user.cookie, {
        method: 'POST',
        url: '/api/v1/auth/reauthenticate',
        payload: { method: 'passkey', response },
      });
    expect((await reauth()).statusCode).toBe(204);
    // The same answer once more: its challenge is spent.
    const again = await reauth();
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('invalid_code');
    expect(
      (await request(t, user.cookie, { method: 'POST', url: '/api/v1/me/factors/passkeys/options' }))
        .statusCode,
    ).toBe(200);
  });

  it('SEC-MFA-04: removing a passkey works like any factor: audited, mailed, the last one takes the recovery codes', async () => {
    const t = await buildTestApp();
    const user = await withPasskey(t);
    const removal = await request(t, user.cookie, {
      method: 'DELETE',
      url: `/api/v1/me/factors/${user.factorId}`,
    });
    expect(removal.statusCode, removal.body).toBe(204);
    const list = (await request(t, user.cookie, { method: 'GET', url: '/api/v1/me/factors' })).json();
    expect(list).toEqual({ totp: [], passkeys: [], recoveryCodes: null });
    const removed = (await auditActions(t, user.id)).find((e) => e.action === 'mfa.factor_removed');
    expect(removed?.details).toMatchObject({ kind: 'passkey', factorId: user.factorId, lastFactor: true });
    const mails = await t.db.db
      .selectFrom('mailOutbox')
      .select('template')
      .where('toAddress', '=', user.email)
      .where('template', '=', 'mfa_factor_removed')
      .execute();
    expect(mails).toHaveLength(1);
    // The removed passkey signs nobody in.
    const { res } = await passkeySignIn(t, user.authenticator);
    expect(res.statusCode).toBe(401);
  });
});

describe('a passkey as the second step', () => {
  it("SEC-MFA-04: after the password, the passkey completes sign-in with a new session; the options list the user's passkeys", async () => {
    const t = await buildTestApp();
    const user = await withPasskey(t);
    const pending = await passwordStep(t, user.email, user.password);
    expect(pending.body).toEqual({ mfaRequired: true, methods: ['passkey', 'recovery_code'] });
    const { options, res } = await secondStep(t, pending.cookie, user.authenticator);
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([user.authenticator.id]);
    expect(options.rpId).toBe('localhost');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { email: user.email }, passwordChangeRequired: false });
    const full = sessionCookieOf(res);
    expect(full).not.toBe(pending.cookie);
    expect((await request(t, full, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    const signInEvent = (await auditActions(t, user.id)).filter((e) => e.action === 'auth.sign_in').at(-1);
    expect(signInEvent?.details).toMatchObject({ secondStep: 'passkey' });
    const list = (await request(t, full, { method: 'GET', url: '/api/v1/me/factors' })).json();
    expect(list.passkeys[0].lastUsedAt).not.toBeNull();
  });

  it('SEC-MFA-04: a replayed, expired, foreign-origin or other-session answer is 401 invalid_code and counts toward the lockout', async () => {
    const t = await buildTestApp();
    const user = await withPasskey(t);
    const first = await passwordStep(t, user.email, user.password);
    const ok = await secondStep(t, first.cookie, user.authenticator);
    expect(ok.res.statusCode).toBe(200);

    const answers = [];
    // Replay of a used answer on a new pending session.
    const second = await passwordStep(t, user.email, user.password);
    answers.push(
      await request(t, second.cookie, {
        method: 'POST',
        url: '/api/v1/auth/mfa/verify',
        payload: { method: 'passkey', response: ok.response },
      }),
    );
    // Another origin, another RP ID.
    answers.push(
      (await secondStep(t, second.cookie, user.authenticator, { origin: 'https://evil.example' })).res,
    );
    answers.push((await secondStep(t, second.cookie, user.authenticator, { rpId: 'evil.example' })).res);
    // Options from one pending session answered on another.
    const third = await passwordStep(t, user.email, user.password);
    const foreign = await request(t, third.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/passkey/options',
    });
    answers.push(
      await request(t, second.cookie, {
        method: 'POST',
        url: '/api/v1/auth/mfa/verify',
        payload: { method: 'passkey', response: user.authenticator.get(foreign.json()) },
      }),
    );
    // Expired: past 5 minutes.
    const options = await request(t, second.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/passkey/options',
    });
    t.clock.advance(5 * MINUTE + 1000);
    answers.push(
      await request(t, second.cookie, {
        method: 'POST',
        url: '/api/v1/auth/mfa/verify',
        payload: { method: 'passkey', response: user.authenticator.get(options.json()) },
      }),
    );
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error.code).toBe('invalid_code');
    }
    // Two password steps and five wrong answers are counted against the account (SEC-BF-01).
    expect(await failedAttempts(t.db.db, user.email)).toBe(7);
  });

  it('SEC-MFA-04: a signature counter that does not move forward (a cloned authenticator) is refused and audited', async () => {
    const t = await buildTestApp();
    const user = await signedIn(t);
    const device = authenticatorFor(t, { startCounter: 5 });
    expect((await addPasskey(t, user.cookie, device)).statusCode).toBe(201);
    const first = await passwordStep(t, user.email, user.password);
    expect((await secondStep(t, first.cookie, device)).res.statusCode).toBe(200);
    const row = () =>
      t.db.db
        .selectFrom('mfaFactors')
        .select('signCount')
        .where('userId', '=', user.id)
        .executeTakeFirstOrThrow();
    expect(Number((await row()).signCount)).toBe(6);
    const second = await passwordStep(t, user.email, user.password);
    const cloned = await secondStep(t, second.cookie, device, { counter: 6 });
    expect(cloned.res.statusCode).toBe(401);
    const lower = await secondStep(t, second.cookie, device, { counter: 3 });
    expect(lower.res.statusCode).toBe(401);
    expect(Number((await row()).signCount)).toBe(6);
    const warnings = (await auditActions(t, user.id)).filter(
      (e) => e.action === 'mfa.passkey_clone_suspected',
    );
    expect(warnings.map((w) => [w.outcome, w.details.presentedCounter])).toEqual([
      ['failure', 6],
      ['failure', 3],
    ]);
    // The genuine device, counting on, still works.
    expect((await secondStep(t, second.cookie, device)).res.statusCode).toBe(200);
  });
});

describe('passkey-only sign-in', () => {
  it('SEC-MFA-04: options carry no allowCredentials and require user verification; the passkey alone signs in, on another node too', async () => {
    const [a, b] = await buildTwoNodes();
    const user = await withPasskey(a);
    const options = await a.app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' });
    expect(options.statusCode).toBe(200);
    expect(options.json()).not.toHaveProperty('allowCredentials');
    expect(options.json()).toMatchObject({ userVerification: 'required', rpId: 'localhost' });
    const cookie = options.headers['set-cookie'] as string;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    // Options from node a, the answer to node b: the challenge is in the database.
    const res = await request(b, cookie.split(';')[0] ?? '', {
      method: 'POST',
      url: '/api/v1/auth/passkey/sign-in',
      payload: { response: user.authenticator.get(options.json()) },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { email: user.email }, passwordChangeRequired: false });
    const session = sessionCookieOf(res);
    expect((await request(a, session, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    const event = (await auditActions(a, user.id)).filter((e) => e.action === 'auth.sign_in').at(-1);
    expect(event?.details).toMatchObject({ method: 'passkey', factorId: user.factorId });
  });

  it('SEC-MFA-04: without user verification, replayed, without its challenge cookie or for another origin, the answer is refused with the generic 401', async () => {
    const t = await buildTestApp();
    const user = await withPasskey(t);
    const refusals = [
      (await passkeySignIn(t, user.authenticator, { userVerified: false })).res,
      (await passkeySignIn(t, user.authenticator, {}, null)).res,
      (await passkeySignIn(t, user.authenticator, { origin: 'https://evil.example' })).res,
      (await passkeySignIn(t, user.authenticator, { rpId: 'evil.example' })).res,
    ];
    // Another browser's challenge cookie does not carry this challenge.
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' });
    const otherCookie = (other.headers['set-cookie'] as string).split(';')[0] ?? '';
    refusals.push((await passkeySignIn(t, user.authenticator, {}, otherCookie)).res);
    const good = await passkeySignIn(t, user.authenticator);
    expect(good.res.statusCode).toBe(200);
    refusals.push(
      await request(t, good.challengeCookie, {
        method: 'POST',
        url: '/api/v1/auth/passkey/sign-in',
        payload: { response: good.response },
      }),
    );
    for (const res of refusals) {
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error.code).toBe('invalid_credentials');
    }
    // An unknown passkey: the same answer.
    const stranger = await passkeySignIn(t, authenticatorFor(t));
    expect(stranger.res.json()).toEqual(refusals[0]?.json());
    const failures = (await auditActions(t, user.id)).filter(
      (e) => e.action === 'auth.sign_in' && e.outcome === 'failure',
    );
    expect(failures.length).toBeGreaterThanOrEqual(5);
    expect(failures[0]?.details).toMatchObject({ reason: 'wrong_passkey' });
  });

  it('SEC-MFA-04: a deactivated or locked-out account is refused like password sign-in', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const user = await withPasskey(t);
    // Wrong answers lock the account as wrong passwords do (SEC-BF-01): then even a right one is refused.
    for (let i = 0; i < 10; i += 1) await passkeySignIn(t, user.authenticator, { userVerified: false });
    const locked = await passkeySignIn(t, user.authenticator);
    expect(locked.res.statusCode).toBe(401);
    const reasons = (await auditActions(t, user.id))
      .filter((e) => e.action === 'auth.sign_in' && e.outcome === 'failure')
      .map((e) => e.details.reason);
    expect(reasons.at(-1)).toBe('locked');
    expect(reasons).toContain('wrong_passkey');

    const other = await withPasskey(t);
    const deactivate = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${other.id}/deactivate`,
    });
    expect(deactivate.statusCode).toBe(200);
    const refused = await passkeySignIn(t, other.authenticator);
    expect(refused.res.statusCode).toBe(401);
    expect(refused.res.json().error.code).toBe('invalid_credentials');
    const failure = (await auditActions(t, other.id)).filter((e) => e.action === 'auth.sign_in').at(-1);
    expect(failure).toMatchObject({ outcome: 'failure', details: { reason: 'deactivated' } });
  });
});

describe('policy "passkey required"', () => {
  it('SEC-MFA-04: under "passkey", an authenticator app is not enough: the user is led to add a passkey, which then satisfies the policy, also alone', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const member = await signedIn(t, 'member');
    const { secret } = await enrollTotp(t, member.cookie);
    const patch = await request(t, admin.cookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { mfaPolicy: { admin: 'optional', member: 'passkey', viewer: 'optional', graceDays: 0 } },
    });
    expect(patch.statusCode, patch.body).toBe(200);

    // Password and TOTP: the session may only enroll.
    const pending = await passwordStep(t, member.email, member.password);
    const { codeAt } = await import('../mfa/helpers.js');
    const verified = await request(t, pending.cookie, {
      method: 'POST',
      url: '/api/v1/auth/mfa/verify',
      payload: { method: 'totp', code: codeAt(t, secret) },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ mfaEnrollmentRequired: true });
    t.clock.advance(30_000);
    const restricted = sessionCookieOf(verified);
    const blocked = await request(t, restricted, { method: 'GET', url: '/api/v1/me/tokens' });
    expect(blocked.json().error.code).toBe('mfa_enrollment_required');
    // Another authenticator app does not lift the restriction; a passkey does.
    await enrollTotp(t, restricted);
    expect((await request(t, restricted, { method: 'GET', url: '/api/v1/me/tokens' })).statusCode).toBe(403);
    const device = authenticatorFor(t);
    expect((await addPasskey(t, restricted, device)).statusCode).toBe(201);
    expect((await request(t, restricted, { method: 'GET', url: '/api/v1/me/tokens' })).statusCode).toBe(200);

    // Next time: the passkey alone gives a full session; password + TOTP no longer ends in enrollment.
    const alone = await passkeySignIn(t, device);
    expect(alone.res.statusCode).toBe(200);
    expect(alone.res.json()).not.toHaveProperty('mfaEnrollmentRequired');
    const full = await signInWithCode(t, member.email, member.password, secret);
    expect((await request(t, full, { method: 'GET', url: '/api/v1/me/tokens' })).statusCode).toBe(200);
    // The last passkey cannot be removed while the policy requires one, even with apps left.
    const factors = (await request(t, full, { method: 'GET', url: '/api/v1/me/factors' })).json();
    const removal = await request(t, full, {
      method: 'DELETE',
      url: `/api/v1/me/factors/${factors.passkeys[0].id}`,
    });
    expect(removal.statusCode).toBe(409);
    expect(removal.json().error.code).toBe('passkey_required');
    // An app can go.
    const app = await request(t, full, { method: 'DELETE', url: `/api/v1/me/factors/${factors.totp[0].id}` });
    expect(app.statusCode).toBe(204);
  });
});
