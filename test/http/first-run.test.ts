import { describe, expect, it } from 'vitest';
import { issueSetupLink } from '../../src/modules/auth/index.js';
import { buildTestApp, request, seedUser, signIn, STRONG_PASSWORD, type TestApp } from '../harness.js';

/**
 * The console's signed-out questions (issue 14, Minor): who is signed in without a 401, whether setup
 * is pending, and whether a setup link is still usable, asked before any form is shown.
 */

const probe = (t: TestApp, cookie: string | null = null) =>
  request(t, cookie, { method: 'GET', url: '/api/v1/auth/session' });

const setupStatus = (t: TestApp, token?: string) =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/setup/status${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`,
  });

describe('the quiet session probe', () => {
  it('signed out: 200 with me = null, and says whether setup is pending', async () => {
    const t = await buildTestApp();
    let res = await probe(t);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ me: null, setupPending: true });

    const user = await seedUser(t);
    res = await probe(t);
    expect(res.json()).toEqual({ me: null, setupPending: false });

    // An ended or made-up session is "nobody" too, still without an error status.
    res = await probe(t, 'gatehouse_session=made-up-secret');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ me: null, setupPending: false });

    // GET /api/v1/me keeps its contract for API clients.
    expect((await request(t, null, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);

    const cookie = await signIn(t, user.email, user.password);
    const me = await request(t, cookie, { method: 'GET', url: '/api/v1/me' });
    res = await probe(t, cookie);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ me: me.json(), setupPending: false });
  });

  it('a temporary-password session is signed in, with the change required', async () => {
    const t = await buildTestApp();
    const user = await seedUser(t, { temporary: true });
    const cookie = await signIn(t, user.email, user.password);
    const res = await probe(t, cookie);
    expect(res.json<{ me: { passwordChangeRequired: boolean } }>().me.passwordChangeRequired).toBe(true);
  });
});

describe('setup status', () => {
  it('before setup: pending; a link is valid only with an issued token; the live password policy', async () => {
    const t = await buildTestApp({ env: { PASSWORD_MIN_LENGTH: '12', ORGANIZATION_NAME: 'Acme Labs' } });
    const link = (await issueSetupLink(t.deps)) as string;
    const token = new URL(link).searchParams.get('token') as string;

    const res = await setupStatus(t);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      pending: true,
      link: 'absent',
      passwordPolicy: { minLength: 12, maxLength: 256 },
      organizationName: 'Acme Labs',
    });
    expect((await setupStatus(t, 'not-issued')).json()).toMatchObject({ pending: true, link: 'unknown' });
    expect((await setupStatus(t, token)).json()).toMatchObject({ pending: true, link: 'valid' });

    const done = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { token, email: 'first.admin@example.test', name: 'First Admin', password: STRONG_PASSWORD },
    });
    expect(done.statusCode, done.body).toBe(201);

    // After setup the same link is a used one, and the page can say so before showing a form.
    expect((await setupStatus(t, token)).json()).toMatchObject({ pending: false, link: 'unknown' });
    expect((await setupStatus(t)).json()).toMatchObject({ pending: false, link: 'absent' });
    expect((await probe(t)).json()).toEqual({ me: null, setupPending: false });
  });

  it('the policy it reports is the organization’s setting when one is saved', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { role: 'admin' });
    const cookie = await signIn(t, admin.email, admin.password);
    const saved = await request(t, cookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { passwordMinLength: 20 },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await setupStatus(t)).json()).toMatchObject({ passwordPolicy: { minLength: 20 } });
  });

  it('a malformed token is a 400 validation error naming the field', async () => {
    const t = await buildTestApp();
    const res = await setupStatus(t, 'x'.repeat(129));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('token');
  });
});

describe('canInvite in /me and the probe', () => {
  it('admins always, members while members may invite, viewers never', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { role: 'admin' });
    const member = await seedUser(t, { role: 'member' });
    const viewer = await seedUser(t, { role: 'viewer' });
    const cookies = {
      admin: await signIn(t, admin.email, admin.password),
      member: await signIn(t, member.email, member.password),
      viewer: await signIn(t, viewer.email, viewer.password),
    };
    const canInvite = async (cookie: string) => {
      const me = await request(t, cookie, { method: 'GET', url: '/api/v1/me' });
      const probed = await probe(t, cookie);
      expect(probed.json<{ me: { canInvite: boolean } }>().me.canInvite).toBe(me.json().canInvite);
      return me.json<{ canInvite: boolean }>().canInvite;
    };
    expect(await canInvite(cookies.admin)).toBe(true);
    expect(await canInvite(cookies.member)).toBe(false);
    expect(await canInvite(cookies.viewer)).toBe(false);
    const saved = await request(t, cookies.admin, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { membersMayInvite: true },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await canInvite(cookies.member)).toBe(true);
    expect(await canInvite(cookies.viewer)).toBe(false);
  });
});
