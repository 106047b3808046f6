import { describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signedIn, signIn } from '../harness.js';

describe('PATCH /api/v1/me: own preferences', () => {
  it('sets and clears the language of mail and the console; GET /me shows it with the password policy', async () => {
    const t = await buildTestApp({ env: { PASSWORD_MIN_LENGTH: '12' } });
    const member = await signedIn(t, 'member');
    const set = await request(t, member.cookie, {
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { locale: 'fr' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({
      user: { email: member.email, locale: 'fr' },
      passwordChangeRequired: false,
    });

    const me = await request(t, member.cookie, { method: 'GET', url: '/api/v1/me' });
    expect(me.json()).toMatchObject({
      user: { locale: 'fr' },
      passwordPolicy: { minLength: 12, maxLength: 256 },
    });

    const cleared = await request(t, member.cookie, {
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { locale: null },
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().user.locale).toBeNull();
  });

  it("GET /me carries the organization's default language, which follows the settings (the console's fallback)", async () => {
    const t = await buildTestApp({ env: { DEFAULT_LOCALE: 'en' } });
    const admin = await signedIn(t, 'admin');
    const member = await signedIn(t, 'member');
    const before = await request(t, member.cookie, { method: 'GET', url: '/api/v1/me' });
    expect(before.json()).toMatchObject({ user: { locale: null }, defaultLocale: 'en' });

    const changed = await request(t, admin.cookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { defaultLocale: 'fr' },
    });
    expect(changed.statusCode).toBe(200);
    const after = await request(t, member.cookie, { method: 'GET', url: '/api/v1/me' });
    expect(after.json()).toMatchObject({ user: { locale: null }, defaultLocale: 'fr' });
    const patched = await request(t, member.cookie, {
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { locale: 'en' },
    });
    expect(patched.json()).toMatchObject({ user: { locale: 'en' }, defaultLocale: 'fr' });
  });

  it('SEC-AZ-03: any other field (role, name, email, passwordHash, __proto__) or an unknown language → 400, nothing changes', async () => {
    const t = await buildTestApp();
    const member = await signedIn(t, 'member');
    for (const payload of [
      { locale: 'fr', role: 'admin' },
      { role: 'admin' },
      { locale: 'fr', name: 'Someone Else' },
      { locale: 'fr', email: 'other@example.test' },
      { locale: 'fr', passwordHash: 'x' },
      JSON.parse('{"locale":"fr","__proto__":{"role":"admin"}}') as object,
      { locale: 'de' },
      {},
    ]) {
      const res = await request(t, member.cookie, { method: 'PATCH', url: '/api/v1/me', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const me = await request(t, member.cookie, { method: 'GET', url: '/api/v1/me' });
    expect(me.json().user).toMatchObject({ role: 'member', locale: null, email: member.email });
  });

  it('SEC-AZ-01: anonymous → 401; a temporary-password session → 403 password_change_required', async () => {
    const t = await buildTestApp();
    const anonymous = await request(t, null, {
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { locale: 'fr' },
    });
    expect(anonymous.statusCode).toBe(401);
    const temp = await seedUser(t, { temporary: true });
    const cookie = await signIn(t, temp.email, temp.password);
    const res = await request(t, cookie, { method: 'PATCH', url: '/api/v1/me', payload: { locale: 'fr' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('password_change_required');
  });
});
