import { expect } from 'vitest';
import { totpCode, totpStep } from '../../src/modules/mfa/totp.js';
import { request, sessionCookieOf, signIn, type TestApp } from '../harness.js';

/** The code an authenticator app shows for a seed at the test clock's time (plus `steps`). */
export function codeAt(t: TestApp, secret: string, steps = 0): string {
  return totpCode(secret, totpStep(t.clock.now()) + steps);
}

/** Enrolls and confirms an authenticator app for a signed-in user; returns its seed and the codes. */
export async function enrollTotp(t: TestApp, cookie: string) {
  const started = await request(t, cookie, { method: 'POST', url: '/api/v1/me/factors/totp' });
  expect(started.statusCode, started.body).toBe(201);
  const { id, secret } = started.json<{ id: string; secret: string }>();
  const confirmed = await request(t, cookie, {
    method: 'POST',
    url: `/api/v1/me/factors/totp/${id}/confirm`,
    payload: { code: codeAt(t, secret) },
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  expect(confirmed.json().factor.id).toBe(id);
  // The confirming code's step is spent: later codes in tests come from the next step on.
  t.clock.advance(30_000);
  const body = confirmed.json<{ factor: { id: string }; recoveryCodes?: string[] }>();
  return { secret, factorId: body.factor.id, recoveryCodes: body.recoveryCodes ?? [] };
}

/** Password step only: the pending session's cookie and the answer. */
export async function passwordStep(t: TestApp, email: string, password: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: sessionCookieOf(res), body: res.json<Record<string, unknown>>() };
}

/** Both steps: a full session's cookie. */
export async function signInWithCode(t: TestApp, email: string, password: string, secret: string) {
  const pending = await passwordStep(t, email, password);
  const res = await request(t, pending.cookie, {
    method: 'POST',
    url: '/api/v1/auth/mfa/verify',
    payload: { method: 'totp', code: codeAt(t, secret) },
  });
  expect(res.statusCode, res.body).toBe(200);
  t.clock.advance(30_000);
  return sessionCookieOf(res);
}

export { signIn };
