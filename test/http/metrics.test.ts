import { describe, expect, it } from 'vitest';
import { buildTestApp, seedUser } from '../harness.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

describe('metrics', () => {
  it('are off without METRICS_TOKEN', async () => {
    const t = await buildTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
  });

  it('need the bearer token, and report requests, sign-in outcomes, hashing, outbox and lockouts', async () => {
    const t = await buildTestApp({ env: { METRICS_TOKEN: TOKEN } });
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);

    const user = await seedUser(t);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: user.password },
    });
    expect(ok.statusCode).toBe(200);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: 'wrong password here!' },
    });
    expect(bad.statusCode).toBe(401);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email: user.email },
    });

    const res = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const body = res.body;
    expect(body).toMatch(
      /gatehouse_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/auth\/sign-in",status="200"\} 1/,
    );
    expect(body).toMatch(/gatehouse_sign_ins_total\{outcome="success"\} 1/);
    expect(body).toMatch(/gatehouse_sign_ins_total\{outcome="failure"\} 1/);
    expect(body).toMatch(/gatehouse_password_hash_queue_depth 0/);
    expect(body).toMatch(/gatehouse_outbox_messages\{status="queued"\} 1/);
    expect(body).toMatch(/gatehouse_locked_accounts 0/);
  });
});
