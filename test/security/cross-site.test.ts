import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/app/build-app.js';
import { issueSetupLink } from '../../src/modules/auth/index.js';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';

/*
 * Cross-site requests (SEC-CSRF-01/02), over every state-changing route of the route table.
 *
 * What the server checks, in order, before any route runs (src/http/cross-site.ts):
 *  - a foreign `Origin` (anything but PUBLIC_URL's origin or the request's own) → 403 cross_site_request;
 *  - `Sec-Fetch-Site` other than `same-origin` / `none` → 403 cross_site_request;
 *  - then the body parser accepts only application/json, so an HTML form's encodings → 415.
 * Requests carrying an `Authorization` header skip the origin check: a browser only lets a cross-site
 * page add that header after a CORS preflight, and Gatehouse grants none (asserted below). Such
 * requests are meant for API tokens (SEC-TOK-01), which browsers never send on their own.
 */

const SAME_ORIGIN = 'http://localhost:8080';
const EVIL = 'https://evil.example';
const STATE_CHANGING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

const errorCode = (res: LightMyRequestResponse): string | undefined =>
  res.body ? (res.json() as { error?: { code?: string } }).error?.code : undefined;

const routeKey = (r: RouteEntry) => `${r.method} ${r.url}`;

function urlFor(route: RouteEntry, id: string): string {
  return route.url.replace(/:[A-Za-z_]+/g, id).replace('*', 'index.html');
}

/** What a well-behaved JSON client would send: `{}` for methods with a body. */
function jsonRequest(route: RouteEntry, id: string, headers: Record<string, string> = {}): InjectOptions {
  const withBody = route.method !== 'DELETE';
  return {
    method: route.method as InjectOptions['method'],
    url: urlFor(route, id),
    headers,
    ...(withBody ? { payload: {} } : {}),
  };
}

/** Everything a request could have changed: users, sessions, the audit log, setup tokens. */
async function snapshot(t: TestApp): Promise<string> {
  const db = t.db.db;
  return JSON.stringify({
    users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
    sessions: await db.selectFrom('sessions').selectAll().orderBy('id').execute(),
    audit: await db.selectFrom('auditEvents').select(['id', 'hash']).orderBy('id').execute(),
    setup: await db.selectFrom('setupTokens').selectAll().orderBy('tokenHash').execute(),
  });
}

async function world() {
  const t = await buildTestApp();
  const admin = await seedUser(t, { role: 'admin' });
  const target = await seedUser(t, { role: 'member' });
  const adminCookie = await signIn(t, admin.email, admin.password);
  // The OpenID Provider's endpoints are called from other sites by design (SEC-OIDC-*); the test
  // below pins that only they are open.
  const stateChanging = t.app.routeTable.filter((r) => STATE_CHANGING.has(r.method) && !r.crossSiteOpen);
  return { t, admin, target, adminCookie, stateChanging };
}

describe('SEC-CSRF-01: cross-site requests are refused on every state-changing route', () => {
  it('SEC-CSRF-01: the route table has the state-changing routes this suite must cover', async () => {
    const { stateChanging } = await world();
    const keys = stateChanging.map(routeKey);
    for (const key of [
      'POST /api/v1/setup',
      'POST /api/v1/auth/sign-in',
      'POST /api/v1/auth/sign-out',
      'POST /api/v1/me/password',
      'DELETE /api/v1/me/sessions/:id',
      'POST /api/v1/users',
      'PATCH /api/v1/users/:id',
      'POST /api/v1/users/:id/deactivate',
      'POST /api/v1/users/:id/activate',
      'POST /api/v1/users/:id/password',
      'DELETE /api/v1/users/:id/sessions',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('SEC-CSRF-01: a foreign Origin → 403 cross_site_request with an admin cookie, and nothing changes', async () => {
    const { t, target, adminCookie, stateChanging } = await world();
    const before = await snapshot(t);
    const failures: string[] = [];
    for (const route of stateChanging) {
      for (const origin of [
        EVIL,
        'null',
        'http://localhost:8081',
        'https://localhost:8080',
        'http://localhost:8080.evil.example',
      ]) {
        const res = await request(t, adminCookie, jsonRequest(route, target.id, { origin }));
        if (res.statusCode !== 403 || errorCode(res) !== 'cross_site_request') {
          failures.push(`${routeKey(route)} Origin: ${origin} → ${res.statusCode} ${res.body}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot(t)).toBe(before);
  });

  it('SEC-CSRF-01: Sec-Fetch-Site cross-site (or same-site) → 403 cross_site_request, even without an Origin header', async () => {
    const { t, target, adminCookie, stateChanging } = await world();
    const before = await snapshot(t);
    const failures: string[] = [];
    for (const route of stateChanging) {
      for (const site of ['cross-site', 'same-site']) {
        const res = await request(t, adminCookie, jsonRequest(route, target.id, { 'sec-fetch-site': site }));
        if (res.statusCode !== 403 || errorCode(res) !== 'cross_site_request') {
          failures.push(`${routeKey(route)} Sec-Fetch-Site: ${site} → ${res.statusCode} ${res.body}`);
        }
      }
      // A same-origin Origin does not excuse a cross-site fetch marker.
      const both = await request(
        t,
        adminCookie,
        jsonRequest(route, target.id, { origin: SAME_ORIGIN, 'sec-fetch-site': 'cross-site' }),
      );
      if (both.statusCode !== 403)
        failures.push(`${routeKey(route)} same Origin + cross-site → ${both.statusCode}`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot(t)).toBe(before);
  });

  it('SEC-CSRF-01: a body an HTML form can send (text/plain, urlencoded, multipart) → 415 unsupported_media_type', async () => {
    const { t, target, adminCookie, stateChanging } = await world();
    const before = await snapshot(t);
    const failures: string[] = [];
    const bodies: Array<[string, string]> = [
      ['text/plain', '{"email":"x@example.test","password":"correct horse battery staple 42"}'],
      ['text/plain;charset=UTF-8', '{"role":"admin"}'],
      ['application/x-www-form-urlencoded', 'role=admin&name=x'],
      [
        'multipart/form-data; boundary=XyZ',
        '--XyZ\r\nContent-Disposition: form-data; name="role"\r\n\r\nadmin\r\n--XyZ--\r\n',
      ],
    ];
    for (const route of stateChanging) {
      for (const [contentType, payload] of bodies) {
        const res = await request(t, adminCookie, {
          method: route.method as InjectOptions['method'],
          url: urlFor(route, target.id),
          headers: { 'content-type': contentType, origin: SAME_ORIGIN },
          payload,
        });
        if (res.statusCode !== 415 || errorCode(res) !== 'unsupported_media_type') {
          failures.push(`${routeKey(route)} ${contentType} → ${res.statusCode} ${res.body}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot(t)).toBe(before);
  });

  it('SEC-CSRF-01: a same-origin request (Origin: http://localhost:8080, Sec-Fetch-Site: same-origin) passes the check', async () => {
    const { t, admin, target, stateChanging } = await world();
    const failures: string[] = [];
    for (const route of stateChanging) {
      const variants: Array<Record<string, string>> = [
        { origin: SAME_ORIGIN, 'sec-fetch-site': 'same-origin' },
        { origin: SAME_ORIGIN },
        { 'sec-fetch-site': 'none' },
        {},
      ];
      for (const headers of variants) {
        // A fresh session per request: sign-out and the user routes may end the previous one.
        const cookie = await signIn(t, admin.email, admin.password);
        const res = await request(t, cookie, jsonRequest(route, target.id, headers));
        if (res.statusCode === 403 || res.statusCode === 415 || res.statusCode >= 500) {
          failures.push(`${routeKey(route)} ${JSON.stringify(headers)} → ${res.statusCode} ${res.body}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('SEC-CSRF-01: only the OpenID Provider’s own endpoints are open to other sites', async () => {
    const { t } = await world();
    const open = t.app.routeTable.filter((r) => r.crossSiteOpen).map(routeKey);
    expect(open.sort()).toEqual(
      ['GET /.well-known/openid-configuration', 'GET /oidc/*', 'POST /oidc/*', 'OPTIONS /oidc/*'].sort(),
    );
  });

  it('SEC-CSRF-01: no GET route changes state (as admin and as anonymous)', async () => {
    const { t, target, adminCookie } = await world();
    const gets = t.app.routeTable.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(5);
    const before = await snapshot(t);
    for (const route of gets) {
      for (const cookie of [adminCookie, null]) {
        for (const headers of [{}, { origin: EVIL, 'sec-fetch-site': 'cross-site' }]) {
          const res = await request(t, cookie, { method: 'GET', url: urlFor(route, target.id), headers });
          expect(res.statusCode, `${routeKey(route)}`).toBeLessThan(500);
        }
      }
    }
    expect(await snapshot(t)).toBe(before);
    // Nor do HEAD requests, which Fastify answers for every GET route.
    for (const route of gets)
      await request(t, adminCookie, { method: 'HEAD', url: urlFor(route, target.id) });
    expect(await snapshot(t)).toBe(before);
  });

  it('SEC-CSRF-01: the audit export (audited, so a change of state) is a POST: a cross-site link, a foreign Origin or a form cannot run it', async () => {
    const { t, adminCookie } = await world();
    const exported = async () =>
      (await t.db.db.selectFrom('auditEvents').select('id').where('action', '=', 'audit.exported').execute())
        .length;
    // A top-level link or an <img> from another site: a GET, which no longer exists.
    for (const headers of [{}, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }]) {
      const link = await request(t, adminCookie, {
        method: 'GET',
        url: '/api/v1/audit-events/export?format=csv',
        headers,
      });
      expect(link.statusCode).toBe(404);
    }
    // A cross-site fetch or form POST: refused by the origin check, or by the content type.
    const json = { format: 'csv' };
    const foreign = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/audit-events/export',
      headers: { origin: EVIL },
      payload: json,
    });
    expect(`${foreign.statusCode} ${errorCode(foreign)}`).toBe('403 cross_site_request');
    const form = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/audit-events/export',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'format=csv',
    });
    expect(form.statusCode).toBe(415);
    expect(await exported()).toBe(0);

    // The console's same-origin fetch exports, and the export stays audited.
    const own = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/audit-events/export',
      headers: { origin: SAME_ORIGIN, 'sec-fetch-site': 'same-origin' },
      payload: json,
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(await exported()).toBe(1);
  });

  it('SEC-CSRF-01: requests with an Authorization header skip the origin check; browsers cannot send one cross-site (no preflight grant)', async () => {
    const { t, adminCookie } = await world();
    // Documented exemption: the origin check does not fire for an Authorization-bearing request
    // (today the guard then still authenticates by the cookie; once API tokens exist, such a request
    // should be authenticated by its token alone)…
    const withHeader = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      headers: { origin: EVIL, authorization: 'Bearer not-a-real-token' },
      payload: {},
    });
    expect(errorCode(withHeader)).not.toBe('cross_site_request');
    // …which is safe only because a cross-site page can never attach that header: the preflight that
    // would allow it is not granted (no CORS headers at all).
    for (const url of ['/api/v1/users', '/api/v1/auth/sign-in', '/api/v1/me/password']) {
      const preflight = await request(t, null, {
        method: 'OPTIONS',
        url,
        headers: {
          origin: EVIL,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
      for (const header of Object.keys(preflight.headers)) expect(header).not.toMatch(/^access-control-/);
    }
  });
});

describe('SEC-CSRF-02: login CSRF', () => {
  it('SEC-CSRF-02: sign-in and setup from a foreign Origin → 403 without any cookie; no session is set', async () => {
    const t = await buildTestApp(); // no users yet: setup is open, with the link printed at start
    const link = await issueSetupLink(t.deps);
    const token = new URL(link ?? 'http://x/').searchParams.get('token') ?? '';
    expect(token.length).toBeGreaterThan(40);
    const user = {
      email: 'first-admin@example.test',
      name: 'First Admin',
      password: 'correct horse battery staple 42',
    };
    const before = await snapshot(t);
    for (const headers of [{ origin: EVIL }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }]) {
      // Even with the real token: a cross-site page must not be able to plant its own first admin.
      const setup = await request(t, null, {
        method: 'POST',
        url: '/api/v1/setup',
        headers,
        payload: { token, ...user },
      });
      expect(setup.statusCode).toBe(403);
      expect(errorCode(setup)).toBe('cross_site_request');
      expect(setup.headers['set-cookie']).toBeUndefined();
    }
    // The token was not consumed and no user exists.
    expect(await snapshot(t)).toBe(before);
    const setup = await request(t, null, {
      method: 'POST',
      url: '/api/v1/setup',
      headers: { origin: SAME_ORIGIN, 'sec-fetch-site': 'same-origin' },
      payload: { token, ...user },
    });
    expect(setup.statusCode).toBe(201);

    const member = await seedUser(t, { role: 'member' });
    const afterSeed = await snapshot(t);
    for (const headers of [
      { origin: EVIL },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const res = await request(t, null, {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers,
        payload: { email: member.email, password: member.password },
      });
      expect(res.statusCode).toBe(403);
      expect(errorCode(res)).toBe('cross_site_request');
      expect(res.headers['set-cookie']).toBeUndefined();
      // A classic form post to sign-in is refused too (415 when the Origin check passes, 403 when it does not).
      const form = await request(t, null, {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=${encodeURIComponent(member.email)}&password=${encodeURIComponent(member.password)}`,
      });
      expect(form.statusCode).toBe(415);
      expect(form.headers['set-cookie']).toBeUndefined();
    }
    // No session was created and no sign-in was recorded.
    expect(await snapshot(t)).toBe(afterSeed);

    // The same request from our own origin signs in.
    const ok = await request(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { origin: SAME_ORIGIN, 'sec-fetch-site': 'same-origin' },
      payload: { email: member.email, password: member.password },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['set-cookie']).toBeDefined();
  });

  it('SEC-CSRF-02: with an HTTPS PUBLIC_URL, only that exact origin is same-origin', async () => {
    const t = await buildTestApp({ env: { PUBLIC_URL: 'https://auth.example.test' } });
    const member = await seedUser(t, { role: 'member' });
    const signInFrom = (origin: string) =>
      request(t, null, {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { origin },
        payload: { email: member.email, password: member.password },
      });
    for (const origin of [
      'http://auth.example.test',
      'https://auth.example.test:8443',
      'https://evil.auth.example.test',
      'https://auth.example.test.evil.example',
    ]) {
      const res = await signInFrom(origin);
      expect(`${origin} → ${res.statusCode} ${errorCode(res)}`).toBe(`${origin} → 403 cross_site_request`);
    }
    expect((await signInFrom('https://auth.example.test')).statusCode).toBe(200);
  });
});
