import { describe, expect, it } from 'vitest';
import { buildTestApp, request, signedIn } from '../harness.js';

describe('smoke', () => {
  it('serves health and the signed-in user', async () => {
    const t = await buildTestApp();
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const admin = await signedIn(t, 'admin');
    const me = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(admin.email);
    const list = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/users?q=test' });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(1);
  });
});
