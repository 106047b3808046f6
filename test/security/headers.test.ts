import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';

/* Security headers (SEC-HDR-01) on HTML, JSON and error responses; no-store on the API (SEC-SES-02). */

function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [String(name).toLowerCase(), values]),
  );
}

function expectStrictHeaders(res: LightMyRequestResponse, where: string) {
  const policy = csp(res);
  expect(policy.get('default-src'), where).toEqual(["'self'"]);
  expect(policy.get('object-src'), where).toEqual(["'none'"]);
  expect(policy.get('base-uri'), where).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors'), where).toEqual(["'none'"]);
  // No inline or eval'd script, whichever directive governs scripts.
  const scripts = policy.get('script-src') ?? policy.get('default-src') ?? [];
  expect(scripts, where).not.toContain("'unsafe-inline'");
  expect(scripts, where).not.toContain("'unsafe-eval'");
  expect(
    scripts.some((s) => s === '*' || s.startsWith('data:') || s.startsWith('http:')),
    where,
  ).toBe(false);
  expect(res.headers['x-content-type-options'], where).toBe('nosniff');
  expect(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'], where).toContain(
    res.headers['referrer-policy'],
  );
  expect(res.headers['cross-origin-opener-policy'], where).toBe('same-origin');
  expect(res.headers['x-powered-by'], where).toBeUndefined();
  expect(res.headers['server'], where).toBeUndefined();
}

/** One response of each kind the app gives: JSON, HTML, redirects, every error path. */
async function samples(t: TestApp) {
  const admin = await seedUser(t, { role: 'admin' });
  const member = await seedUser(t, { role: 'member' });
  const adminCookie = await signIn(t, admin.email, admin.password);
  const memberCookie = await signIn(t, member.email, member.password);
  const cases: Array<[string, string | null, InjectOptions]> = [
    ['200 JSON (me)', adminCookie, { method: 'GET', url: '/api/v1/me' }],
    ['200 JSON (users)', adminCookie, { method: 'GET', url: '/api/v1/users' }],
    [
      '200 sign-in',
      null,
      {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: member.email, password: member.password },
      },
    ],
    [
      '204 sign-out',
      await signIn(t, member.email, member.password),
      { method: 'POST', url: '/api/v1/auth/sign-out' },
    ],
    ['200 healthz', null, { method: 'GET', url: '/healthz' }],
    ['200 openapi', null, { method: 'GET', url: '/api/openapi.json' }],
    ['HTML docs', null, { method: 'GET', url: '/api/docs' }],
    ['302 redirect', null, { method: 'GET', url: '/api/docs/static/index.html' }],
    ['script asset', null, { method: 'GET', url: '/api/docs/static/swagger-initializer.js' }],
    ['400 validation', null, { method: 'POST', url: '/api/v1/auth/sign-in', payload: {} }],
    [
      '400 malformed',
      null,
      {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'content-type': 'application/json' },
        payload: '{',
      },
    ],
    ['401 unauthenticated', null, { method: 'GET', url: '/api/v1/me' }],
    [
      '401 invalid credentials',
      null,
      {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: member.email, password: 'wrong password here!' },
      },
    ],
    ['403 forbidden', memberCookie, { method: 'GET', url: '/api/v1/users' }],
    [
      '403 cross-site',
      null,
      {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { origin: 'https://evil.example' },
        payload: {},
      },
    ],
    ['404 route', null, { method: 'GET', url: '/api/v1/nope' }],
    ['404 outside the API', null, { method: 'GET', url: '/nope' }],
    ['404 user', adminCookie, { method: 'GET', url: '/api/v1/users/no-such-user' }],
    ['bad URL encoding', null, { method: 'GET', url: '/api/v1/users/%E0%A4%A' }],
    ['over-long path parameter', adminCookie, { method: 'GET', url: `/api/v1/users/${'x'.repeat(300)}` }],
    [
      '409 conflict',
      adminCookie,
      {
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: member.email, name: 'Dup', role: 'member', generatePassword: true },
      },
    ],
    [
      '413 too large',
      null,
      {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: member.email, password: 'x'.repeat(70 * 1024) },
      },
    ],
    [
      '415 media type',
      null,
      {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      },
    ],
  ];
  const out: Array<[string, string, LightMyRequestResponse]> = [];
  for (const [label, cookie, options] of cases)
    out.push([label, String(options.url), await request(t, cookie, options)]);
  return out;
}

describe('SEC-HDR-01: security headers', () => {
  it('SEC-HDR-01: strict CSP, nosniff, Referrer-Policy and COOP on JSON, HTML and every kind of error response', async () => {
    const t = await buildTestApp();
    const responses = await samples(t);
    const statuses = responses.map(([, , res]) => res.statusCode);
    for (const status of [200, 204, 302, 400, 401, 403, 404, 409, 413, 415])
      expect(statuses).toContain(status);
    for (const [label, url, res] of responses)
      expectStrictHeaders(res, `${label} ${url} → ${res.statusCode}`);
    // The HTML page really is HTML, and even it runs no inline script.
    const html = responses.find(([label]) => label === 'HTML docs')?.[2];
    expect(html?.statusCode).toBe(200);
    expect(html?.headers['content-type']).toMatch(/^text\/html/);
    expect(html?.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  });

  it('SEC-HDR-01: HSTS whenever PUBLIC_URL is HTTPS, on success and error alike; never over plain HTTP', async () => {
    const https = await buildTestApp({ env: { PUBLIC_URL: 'https://auth.example.test' } });
    for (const [label, url, res] of await samples(https)) {
      const hsts = String(res.headers['strict-transport-security'] ?? '');
      const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0);
      expect(maxAge, `${label} ${url}: ${hsts}`).toBeGreaterThanOrEqual(31_536_000);
      expectStrictHeaders(res, `${label} ${url} (https)`);
    }
    const http = await buildTestApp({ env: { PUBLIC_URL: 'http://localhost:8080' } });
    for (const [label, url, res] of await samples(http)) {
      expect(res.headers['strict-transport-security'], `${label} ${url}`).toBeUndefined();
    }
  });

  it('SEC-HDR-01 / SEC-SES-02: every /api/v1 response, errors included, is Cache-Control: no-store', async () => {
    const t = await buildTestApp();
    for (const [label, url, res] of await samples(t)) {
      if (!url.startsWith('/api/v1/')) continue;
      expect(res.headers['cache-control'], `${label} ${url} → ${res.statusCode}`).toMatch(/\bno-store\b/);
    }
  });

  it('SEC-HDR-01: no CORS grant to a foreign origin, on simple requests or preflights', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { role: 'admin' });
    const cookie = await signIn(t, admin.email, admin.password);
    const attempts: Array<[string | null, InjectOptions]> = [
      [cookie, { method: 'GET', url: '/api/v1/me', headers: { origin: 'https://evil.example' } }],
      [cookie, { method: 'GET', url: '/api/v1/users', headers: { origin: 'https://evil.example' } }],
      [null, { method: 'GET', url: '/api/openapi.json', headers: { origin: 'https://evil.example' } }],
      [null, { method: 'GET', url: '/api/v1/me', headers: { origin: 'null' } }],
      [
        null,
        {
          method: 'OPTIONS',
          url: '/api/v1/users',
          headers: {
            origin: 'https://evil.example',
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'cookie',
          },
        },
      ],
      [
        null,
        {
          method: 'OPTIONS',
          url: '/api/v1/auth/sign-in',
          headers: {
            origin: 'https://evil.example',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        },
      ],
    ];
    for (const [who, options] of attempts) {
      const res = await request(t, who, options);
      const cors = Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
      expect(`${options.method} ${options.url}: ${cors.join(', ')}`).toBe(
        `${options.method} ${options.url}: `,
      );
    }
  });
});
