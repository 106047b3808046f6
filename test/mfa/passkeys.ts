import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { request, type TestApp } from '../harness.js';
import { SoftAuthenticator, type Behaviour } from './authenticator.js';

/** A software authenticator for the test app's relying party (PUBLIC_URL http://localhost:8080). */
export function authenticatorFor(
  t: TestApp,
  options: ConstructorParameters<typeof SoftAuthenticator>[1] = {},
) {
  const url = new URL(t.config.publicUrl);
  return new SoftAuthenticator({ origin: url.origin, rpId: url.hostname }, options);
}

export async function creationOptions(t: TestApp, cookie: string) {
  const res = await request(t, cookie, { method: 'POST', url: '/api/v1/me/factors/passkeys/options' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Adds a passkey through the API: options, the authenticator's answer, the registration. */
export async function addPasskey(
  t: TestApp,
  cookie: string,
  authenticator: SoftAuthenticator,
  input: { name?: string; behaviour?: Behaviour } = {},
): Promise<LightMyRequestResponse> {
  const options = await creationOptions(t, cookie);
  return request(t, cookie, {
    method: 'POST',
    url: '/api/v1/me/factors/passkeys',
    payload: {
      response: authenticator.create(options, input.behaviour),
      ...(input.name ? { name: input.name } : {}),
    },
  });
}

/** The challenge cookie of a passkey-only sign-in's options, for the next request's Cookie header. */
export function challengeCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const found = all.find((c) => /^(__Host-)?gatehouse_passkey=[^;]/.test(c));
  if (!found) throw new Error(`no challenge cookie in response ${res.statusCode}: ${res.body}`);
  return found.split(';')[0] ?? '';
}

/** Passkey-only sign-in through the API; `cookie` overrides the challenge cookie the options set. */
export async function passkeySignIn(
  t: TestApp,
  authenticator: SoftAuthenticator,
  behaviour: Behaviour = {},
  cookie?: string | null,
) {
  const options = await t.app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' });
  expect(options.statusCode, options.body).toBe(200);
  const body = options.json();
  const response = authenticator.get(body, behaviour);
  const res = await request(t, cookie === undefined ? challengeCookieOf(options) : cookie, {
    method: 'POST',
    url: '/api/v1/auth/passkey/sign-in',
    payload: { response },
  });
  return { options: body, response, res, challengeCookie: challengeCookieOf(options) };
}
