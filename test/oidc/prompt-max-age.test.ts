import { describe, expect, it } from 'vitest';
import { buildTestApp, request } from '../harness.js';
import { Browser, ISSUER, oidc, oidcScene, REDIRECT, startAuthorization } from './rp.js';

/*
 * OIDC Core 3.1.2.1 through a certified relying party (openid-client): `prompt=login` and `max_age`
 * make a person present credentials again even with a live Gatehouse session; `auth_time` in the ID
 * token is when they last did; `prompt=none` gets a code with no page when the Gatehouse session signs
 * in the account an earlier sign-in to apps used, and `login_required` at the app otherwise.
 * Ported from the conformance suite's oidcc-prompt-login, oidcc-max-age-1 / -10000,
 * oidcc-prompt-none-not-logged-in and oidcc-prompt-none-logged-in (docs/OIDC.md).
 */

type Scene = Awaited<ReturnType<typeof oidcScene>> & { t: Awaited<ReturnType<typeof buildTestApp>> };

async function scene(): Promise<Scene> {
  const t = await buildTestApp();
  return { t, ...(await oidcScene(t)) };
}

/** Authorize in the member's browser; where Gatehouse sends it (the app, or a console page). */
async function authorize(s: Scene, params: Record<string, string>) {
  const start = await startAuthorization(s.config, { scope: 'openid profile', prompt: '', ...params });
  const back = await s.browser.follow(start.url.href);
  return { start, back };
}

/** The code exchange at the app; the ID token's claims. */
async function redeem(s: Scene, start: Awaited<ReturnType<typeof startAuthorization>>, url: string) {
  const tokens = await oidc.authorizationCodeGrant(s.config, new URL(url), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
    idTokenExpected: true,
  });
  return tokens.claims() as { auth_time?: number; sub: string };
}

/** The console's re-authentication page answers a password: the session's authenticatedAt moves. */
async function reauthenticate(s: Scene) {
  const res = await request(s.t, s.browser.cookieHeader(), {
    method: 'POST',
    url: '/api/v1/auth/reauthenticate',
    payload: { password: s.member.password },
  });
  expect(res.statusCode, res.body).toBe(204);
}

const seconds = (ms: number) => Math.floor(ms / 1000);

describe('OpenID Provider: prompt=login, max_age, auth_time, prompt=none (OIDC Core 3.1.2.1)', () => {
  it('oidcc-prompt-login: prompt=login asks for the password again despite a live session; auth_time is the new authentication', async () => {
    const s = await scene();
    const signedInAt = s.t.clock.now();
    s.t.clock.advance(60_000);
    const { start, back } = await authorize(s, { prompt: 'login' });
    const stop = new URL(back.url);
    expect(stop.origin).toBe(ISSUER);
    expect(stop.pathname).toBe('/reauthenticate');
    const resume = stop.searchParams.get('return') ?? '';
    expect(resume).toMatch(/^\/interaction\/[\w-]+$/);
    // Coming back without presenting credentials leads to the same page: no code for the app.
    expect(new URL((await s.browser.follow(resume)).url).pathname).toBe('/reauthenticate');

    s.t.clock.advance(5_000);
    await reauthenticate(s);
    const done = await s.browser.follow(resume);
    expect(done.url.startsWith(REDIRECT), done.url).toBe(true);
    const claims = await redeem(s, start, done.url);
    expect(claims.sub).toBe(s.member.id);
    expect(claims.auth_time).toBe(seconds(s.t.clock.now()));
    expect(claims.auth_time).toBeGreaterThan(seconds(signedInAt));
  });

  it('oidcc-prompt-login: a user with no session signs in once, not twice', async () => {
    const s = await scene();
    const anonymous = new Browser(s.t);
    const start = await startAuthorization(s.config, { scope: 'openid', prompt: 'login' });
    const first = await anonymous.follow(start.url.href);
    const stop = new URL(first.url);
    expect(stop.pathname).toBe('/sign-in');
    const resume = stop.searchParams.get('return') ?? '';
    s.t.clock.advance(1_000);
    const signIn = await anonymous.send({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: JSON.stringify({ email: s.member.email, password: s.member.password }),
      headers: { 'content-type': 'application/json' },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const done = await anonymous.follow(resume);
    expect(done.url.startsWith(REDIRECT), done.url).toBe(true);
    const claims = await redeem(s, start, done.url);
    expect(claims.auth_time).toBe(seconds(s.t.clock.now()));
  });

  it('oidcc-max-age-1 / oidcc-max-age-10000: a sign-in older than max_age is asked again; a recent enough one is not; auth_time is the session’s', async () => {
    const s = await scene();
    const signedInAt = s.t.clock.now();
    s.t.clock.advance(120_000);

    // Two minutes old, max_age ten thousand seconds: straight back to the app; auth_time = the sign-in.
    const recent = await authorize(s, { max_age: '10000' });
    expect(recent.back.url.startsWith(REDIRECT), recent.back.url).toBe(true);
    expect((await redeem(s, recent.start, recent.back.url)).auth_time).toBe(seconds(signedInAt));

    // Two minutes old, max_age one minute: the password again first.
    const old = await authorize(s, { max_age: '60' });
    const stop = new URL(old.back.url);
    expect(stop.pathname).toBe('/reauthenticate');
    await reauthenticate(s);
    const done = await s.browser.follow(stop.searchParams.get('return') ?? '');
    expect(done.url.startsWith(REDIRECT), done.url).toBe(true);
    expect((await redeem(s, old.start, done.url)).auth_time).toBe(seconds(s.t.clock.now()));
  });

  it('oidcc-prompt-none-not-logged-in: prompt=none without a Gatehouse session → login_required back at the app', async () => {
    const s = await scene();
    const anonymous = new Browser(s.t);
    const start = await startAuthorization(s.config, { scope: 'openid', prompt: 'none' });
    const back = await anonymous.follow(start.url.href);
    expect(back.url.startsWith(REDIRECT), back.url).toBe(true);
    const answer = new URL(back.url);
    expect(answer.searchParams.get('error')).toBe('login_required');
    expect(answer.searchParams.get('state')).toBe(start.state);
    expect(answer.searchParams.get('iss')).toBe(ISSUER);
    const error = await redeem(s, start, back.url).catch((e: unknown) => e as { error?: string });
    expect(error).toMatchObject({ error: 'login_required' });
  });

  it('oidcc-prompt-none-logged-in: after one sign-in to the app, prompt=none returns a code with no page; the ID token is the same user', async () => {
    const s = await scene();
    const first = await authorize(s, {});
    expect(first.back.url.startsWith(REDIRECT), first.back.url).toBe(true);
    const firstClaims = await redeem(s, first.start, first.back.url);

    s.t.clock.advance(30_000);
    const silent = await authorize(s, { prompt: 'none' });
    expect(silent.back.url.startsWith(REDIRECT), silent.back.url).toBe(true);
    expect(new URL(silent.back.url).searchParams.get('error')).toBeNull();
    const claims = await redeem(s, silent.start, silent.back.url);
    expect(claims.sub).toBe(s.member.id);
    expect(claims.auth_time).toBe(firstClaims.auth_time);
  });

  it('SEC-OIDC-05: prompt=none after signing out of Gatehouse, or with another account signed in, → login_required (the Gatehouse session decides, not the provider cookie)', async () => {
    const s = await scene();
    const first = await authorize(s, {});
    expect(first.back.url.startsWith(REDIRECT), first.back.url).toBe(true);

    // Another person signs in to Gatehouse in the same browser: the provider's session is still the member's.
    const switched = await s.browser.send({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: JSON.stringify({ email: s.admin.email, password: s.admin.password }),
      headers: { 'content-type': 'application/json' },
    });
    expect(switched.statusCode, switched.body).toBe(200);
    const asOther = await authorize(s, { prompt: 'none' });
    expect(new URL(asOther.back.url).searchParams.get('error')).toBe('login_required');

    // Signed out of Gatehouse altogether.
    const out = await s.browser.send({ method: 'POST', url: '/api/v1/auth/sign-out' });
    expect(out.statusCode, out.body).toBe(204);
    const signedOut = await authorize(s, { prompt: 'none' });
    expect(signedOut.back.url.startsWith(REDIRECT), signedOut.back.url).toBe(true);
    expect(new URL(signedOut.back.url).searchParams.get('error')).toBe('login_required');
  });
});
