import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';

/**
 * Branding on the signed-out pages (issue 14, Minor): GET /api/v1/branding gives exactly what such a
 * page may show, from the settings in force; a console page's CSP allows the logo's origin and nothing
 * wider (ADR 0002 amendment).
 */

const branding = (t: TestApp, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: '/api/v1/branding', headers });

const page = (t: TestApp, url = '/sign-in') =>
  t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });

/** The sources of one CSP directive. */
function directive(res: LightMyRequestResponse, name: string): string[] {
  const header = String(res.headers['content-security-policy'] ?? '');
  const found = header
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([key]) => key === name);
  return found ? found.slice(1) : [];
}

async function adminOf(t: TestApp) {
  const admin = await seedUser(t, { role: 'admin' });
  const cookie = await signIn(t, admin.email, admin.password);
  return (payload: object) =>
    request(t, cookie, { method: 'PATCH', url: '/api/v1/settings', payload }).then((res) => {
      expect(res.statusCode, res.body).toBe(200);
    });
}

describe('GET /api/v1/branding', () => {
  it('public: exactly the organization name, logo and default language; cacheable, revalidated by ETag', async () => {
    const t = await buildTestApp({ env: { ORGANIZATION_NAME: 'Acme Labs', DEFAULT_LOCALE: 'fr' } });
    const res = await branding(t);
    expect(res.statusCode, res.body).toBe(200);
    // toEqual on the whole body: nothing else leaks (no mail transport, no counts, no people).
    expect(res.json()).toEqual({ organizationName: 'Acme Labs', logoUrl: null, defaultLocale: 'fr' });
    expect(res.headers['cache-control']).toBe('public, no-cache');
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);

    // Unchanged: a revalidation answers 304 without a body (also inside a list, or weak).
    for (const tag of [etag, `"other", W/${etag}`, '*']) {
      const again = await branding(t, { 'if-none-match': tag });
      expect(again.statusCode, tag).toBe(304);
      expect(again.body).toBe('');
    }
    expect((await branding(t, { 'if-none-match': '"stale"' })).statusCode).toBe(200);

    // Signed in or not, the same answer: it says nothing about the caller.
    const member = await seedUser(t, { role: 'member' });
    const cookie = await signIn(t, member.email, member.password);
    const signedIn = await request(t, cookie, { method: 'GET', url: '/api/v1/branding' });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toEqual(res.json());
  });

  it('the logo from LOGO_URL when no one saved Settings', async () => {
    const t = await buildTestApp({ env: { LOGO_URL: 'https://static.acme.test/logo.svg' } });
    expect((await branding(t)).json()).toMatchObject({ logoUrl: 'https://static.acme.test/logo.svg' });
  });

  it('reflects a change saved in Settings at once, with a new ETag', async () => {
    const t = await buildTestApp({ env: { ORGANIZATION_NAME: 'Acme' } });
    const before = await branding(t);
    const save = await adminOf(t);
    await save({
      organizationName: 'Acme Research',
      logoUrl: 'https://cdn.acme.test/brand/logo.png',
      defaultLocale: 'fr',
    });
    const after = await branding(t, { 'if-none-match': String(before.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({
      organizationName: 'Acme Research',
      logoUrl: 'https://cdn.acme.test/brand/logo.png',
      defaultLocale: 'fr',
    });
    expect(after.headers.etag).not.toBe(before.headers.etag);

    await save({ logoUrl: null });
    expect((await branding(t)).json()).toMatchObject({ logoUrl: null, organizationName: 'Acme Research' });
  });
});

describe('the console page CSP and the logo', () => {
  it('SEC-HDR-01: a console page allows exactly the logo’s origin in img-src while a logo is set, and nothing wider', async () => {
    const t = await buildTestApp();
    // No logo: the strict policy.
    expect(directive(await page(t), 'img-src')).toEqual(["'self'", 'data:']);

    const save = await adminOf(t);
    await save({ logoUrl: 'https://cdn.acme.test:8443/brand/logo.png?v=2' });
    for (const url of ['/', '/sign-in', '/reset-password?token=x']) {
      const res = await page(t, url);
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      const imgSrc = directive(res, 'img-src');
      expect(imgSrc, url).toEqual(["'self'", 'data:', 'https://cdn.acme.test:8443']);
      // Only img-src widens: scripts, styles, connections and the rest stay on 'self'.
      expect(directive(res, 'default-src'), url).toEqual(["'self'"]);
      expect(directive(res, 'script-src'), url).toEqual(["'self'"]);
      expect(directive(res, 'style-src'), url).toEqual(["'self'"]);
    }
    // Answers that are not pages keep the strict policy.
    const json = await branding(t);
    expect(directive(json, 'img-src')).toEqual(["'self'", 'data:']);

    // A new logo: the next page load names the new origin, and the old one is gone.
    await save({ logoUrl: 'https://img.example.org/acme.svg' });
    expect(directive(await page(t), 'img-src')).toEqual(["'self'", 'data:', 'https://img.example.org']);

    // Cleared: back to the strict policy.
    await save({ logoUrl: null });
    expect(directive(await page(t), 'img-src')).toEqual(["'self'", 'data:']);
  });

  it('SEC-HDR-01: LOGO_URL from the environment is allowed the same way', async () => {
    const t = await buildTestApp({ env: { LOGO_URL: 'https://static.acme.test/logo.svg' } });
    expect(directive(await page(t), 'img-src')).toEqual(["'self'", 'data:', 'https://static.acme.test']);
  });
});
