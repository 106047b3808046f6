import type { LightMyRequestResponse } from 'fastify';
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import { request, signedIn, type TestApp } from '../harness.js';

/*
 * A relying party for the OpenID Provider tests: openid-client (OpenID Certified RP) talking to the
 * real app through inject (no socket), and a small cookie-keeping "browser" for the front channel.
 */
export const ISSUER = 'http://localhost:8080';
export const REDIRECT = 'https://app.example.test/callback';
export const POST_LOGOUT = 'https://app.example.test/bye';
const HOST = { host: 'localhost:8080' };

function headersOf(res: LightMyRequestResponse): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) headers.append(name, v);
  }
  return headers;
}

/** fetch() over app.inject, for openid-client's back-channel calls. */
export function injectFetch(t: TestApp) {
  return async (
    url: string,
    options: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; body?: unknown },
  ) => {
    const target = new URL(url);
    const res = await t.app.inject({
      method: (options.method ?? 'GET') as 'GET',
      url: target.pathname + target.search,
      headers: { ...Object.fromEntries(new Headers(options.headers)), ...HOST },
      ...(options.body !== undefined && options.body !== null ? { payload: String(options.body) } : {}),
    });
    const nullBody = res.statusCode === 204 || res.statusCode === 304;
    return new Response(nullBody ? null : res.rawPayload, {
      status: res.statusCode,
      headers: headersOf(res),
    });
  };
}

/** A browser's cookie jar, enough for the provider's and the console's cookies (names never collide). */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly t: TestApp,
    sessionCookie?: string,
  ) {
    if (sessionCookie) this.keep(sessionCookie);
  }

  private keep(pair: string): void {
    const [name, ...rest] = pair.split('=');
    if (name) this.cookies.set(name.trim(), rest.join('='));
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async send(options: {
    method?: 'GET' | 'POST';
    url: string;
    payload?: unknown;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse> {
    const target = new URL(options.url, ISSUER);
    const res = await request(this.t, this.cookieHeader() || null, {
      method: options.method ?? 'GET',
      url: target.pathname + target.search,
      headers: { ...HOST, ...options.headers },
      ...(options.payload !== undefined ? { payload: options.payload as string } : {}),
    });
    const set = res.headers['set-cookie'];
    for (const cookie of Array.isArray(set) ? set : set ? [set] : []) {
      const pair = cookie.split(';')[0] ?? '';
      const expired = /expires=Thu, 01 Jan 1970/i.test(cookie) || /max-age=0/i.test(cookie);
      const [name] = pair.split('=');
      if (expired || pair.endsWith('=')) this.cookies.delete(name?.trim() ?? '');
      else this.keep(pair);
    }
    return res;
  }

  /** Follows redirects inside Gatehouse; stops at the first location outside it (the app). */
  async follow(url: string, max = 12): Promise<{ url: string; res: LightMyRequestResponse }> {
    let current = url;
    for (let i = 0; i < max; i += 1) {
      const res = await this.send({ url: current });
      const location = res.headers.location;
      if (res.statusCode < 300 || res.statusCode >= 400 || typeof location !== 'string')
        return { url: current, res };
      const next = new URL(location, current.startsWith('http') ? current : ISSUER + current).href;
      if (!next.startsWith(ISSUER)) return { url: next, res };
      current = next;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

export interface RegisteredApp {
  id: string;
  clientSecret?: string;
}

/** Registers an app through the API as an admin. */
export async function registerApp(
  t: TestApp,
  adminCookie: string,
  body: Record<string, unknown> = {},
): Promise<RegisteredApp & { app: Record<string, unknown> }> {
  const res = await request(t, adminCookie, {
    method: 'POST',
    url: '/api/v1/apps',
    payload: {
      name: 'Team app',
      type: 'web',
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [POST_LOGOUT],
      allowedRoles: ['admin', 'member'],
      firstParty: true,
      ...body,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const json = res.json<{ app: { id: string } & Record<string, unknown>; clientSecret?: string }>();
  return {
    id: json.app.id,
    app: json.app,
    ...(json.clientSecret ? { clientSecret: json.clientSecret } : {}),
  };
}

const appsOfConfigs = new WeakMap<oidc.Configuration, TestApp>();
/** The test app a relying party configuration talks to. */
export function appOf(config: oidc.Configuration): TestApp {
  const t = appsOfConfigs.get(config);
  if (!t) throw new Error('configuration not made by relyingParty()');
  return t;
}

/** openid-client's Configuration for a registered app, discovering the issuer through inject. */
export async function relyingParty(t: TestApp, app: RegisteredApp): Promise<oidc.Configuration> {
  const fetcher = injectFetch(t) as unknown as oidc.CustomFetch;
  const config = await oidc.discovery(
    new URL(ISSUER),
    app.id,
    app.clientSecret ? undefined : { token_endpoint_auth_method: 'none' },
    app.clientSecret ? oidc.ClientSecretBasic(app.clientSecret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests], [oidc.customFetch]: fetcher },
  );
  config[oidc.customFetch] = fetcher;
  appsOfConfigs.set(config, t);
  return config;
}

export interface AuthorizationStart {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function startAuthorization(
  config: oidc.Configuration,
  params: Record<string, string> = {},
): Promise<AuthorizationStart> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile email roles offline_access',
    prompt: 'consent',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** A full sign-in at the app: authorize in the browser, then the code exchange. */
export async function signInAtApp(t: TestApp, config: oidc.Configuration, browser: Browser) {
  const start = await startAuthorization(config);
  const back = await browser.follow(start.url.href);
  expect(back.url.startsWith(REDIRECT), `${back.url} ${back.res.body}`).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(back.url), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
    idTokenExpected: true,
  });
  return { tokens, callback: new URL(back.url), start };
}

/** An admin, a member and an app registered for both roles, with the member's browser signed in. */
export async function oidcScene(t: TestApp, appBody: Record<string, unknown> = {}) {
  const admin = await signedIn(t, 'admin');
  const member = await signedIn(t, 'member');
  const registered = await registerApp(t, admin.cookie, appBody);
  const config = await relyingParty(t, registered);
  return { admin, member, registered, config, browser: new Browser(t, member.cookie) };
}

export { oidc };
