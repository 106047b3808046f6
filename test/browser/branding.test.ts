import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signIn, startConsoleServer, type ConsoleServer } from './harness.js';

/**
 * The organization's name and logo on the signed-out pages (issue 14), in Chromium against the built
 * console and a real server.
 *
 * The logo setting takes https:// URLs only (http://127.0.0.1 is refused like any http URL), so the
 * test serves the picture over real TLS: an https server on 127.0.0.1 with a self-signed certificate
 * made for the run by openssl, which the signed-out browser contexts accept (ignoreHTTPSErrors). The
 * picture really loads under the page's CSP, so the test proves the policy allows exactly that origin.
 */

const ADMIN = { email: 'ana.lima@acme.test', name: 'Ana Lima', password: 'violet tugboat orbit 7319' };
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">' +
  '<rect width="120" height="40" rx="6" fill="#0b5"/></svg>';

let server: ConsoleServer;
let browser: Browser;
let logoServer: Server;
let logoUrl: string;
let logoRequests = 0;
let tlsDir: string;
const pages: Page[] = [];

/** A self-signed certificate for 127.0.0.1, made by openssl (a failure fails the file, never skips it). */
function selfSignedCertificate(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl could not make a certificate: ${result.stderr}`);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** A browser of its own; CSP violations it reports are collected. */
async function visitor() {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    ignoreHTTPSErrors: true,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  pages.push(page);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return { page, violations };
}

/** Waits until the logo has loaded and answers its natural width (0: it did not load). */
const loadedWidth = (page: Page) =>
  page.evaluate(`new Promise((resolve) => {
    const img = document.querySelector('img.auth-brand-logo');
    if (!img) return resolve(-1);
    if (img.complete) return resolve(img.naturalWidth);
    img.addEventListener('load', () => resolve(img.naturalWidth));
    img.addEventListener('error', () => resolve(0));
  })`) as Promise<number>;

/** The layout shifts Chromium recorded on the page so far (Cumulative Layout Shift, without input). */
const layoutShift = (page: Page) =>
  page.evaluate(`(() => {
    const observer = new PerformanceObserver(() => undefined);
    observer.observe({ type: 'layout-shift', buffered: true });
    const total = observer.takeRecords().reduce((sum, e) => sum + (e.hadRecentInput ? 0 : e.value), 0);
    observer.disconnect();
    return total;
  })()`) as Promise<number>;

const cardTop = async (page: Page) => (await page.locator('.auth-card').boundingBox())?.y;

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'gatehouse-logo-'));
  logoServer = createServer(selfSignedCertificate(tlsDir), (request, response) => {
    logoRequests += 1;
    if (request.url?.startsWith('/brand/logo.svg')) {
      response.writeHead(200, { 'content-type': 'image/svg+xml' }).end(LOGO_SVG);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => logoServer.listen(0, '127.0.0.1', resolve));
  logoUrl = `https://127.0.0.1:${(logoServer.address() as AddressInfo).port}/brand/logo.svg`;
  server = await startConsoleServer();
  browser = await launchChromium();
  await server.seedUser({ ...ADMIN, role: 'admin' });
}, 120_000);

afterAll(async () => {
  for (const page of pages)
    await page
      .context()
      .close()
      .catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.close();
  await new Promise((resolve) => logoServer?.close(resolve));
  if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
});

describe('branding on the signed-out pages', () => {
  it('the name alone, then the logo set in Settings, in English and French, at 1280 and 360 px, without layout shift', async () => {
    // One signed-out visitor throughout (each check is a fresh page load), and an admin beside.
    const { page, violations } = await visitor();

    // No logo yet: the organization's name under Gatehouse's mark, in the page and in the title.
    const plain = await page.goto(`${server.url}/sign-in`);
    expect(plain?.headers()['content-security-policy']).toContain("img-src 'self' data:;");
    await page.locator('.auth-brand-name', { hasText: 'Acme' }).waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('img.auth-brand-logo').count()).toBe(0);
    expect(await page.locator('.auth-brand-mark svg').count()).toBe(1);
    expect(await page.title()).toBe('Sign in · Acme');
    expect(await layoutShift(page)).toBe(0);
    const topWithoutLogo = await cardTop(page);

    // An admin sets the logo in Settings, as a person would.
    const admin = (await visitor()).page;
    await signIn(admin, server.url, ADMIN.email, ADMIN.password);
    await admin.goto(`${server.url}/settings`);
    await admin.getByLabel('Logo URL', { exact: true }).fill(logoUrl);
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByText('Settings saved.').waitFor();

    // The next page load: the logo (alt = the organization's name) really loads under the page's CSP,
    // which names exactly its origin; the name stays, the card does not move.
    const branded = await page.goto(`${server.url}/sign-in`);
    const origin = new URL(logoUrl).origin;
    expect(branded?.headers()['content-security-policy']).toContain(`img-src 'self' data: ${origin};`);
    const logo = page.getByRole('img', { name: 'Acme', exact: true });
    await logo.waitFor();
    expect(await logo.getAttribute('src')).toBe(logoUrl);
    expect(await loadedWidth(page)).toBe(120);
    expect(logoRequests).toBeGreaterThan(0);
    expect(await page.locator('.auth-brand-name').textContent()).toBe('Acme');
    expect(await page.title()).toBe('Sign in · Acme');
    expect(await layoutShift(page)).toBe(0);
    expect(await cardTop(page)).toBe(topWithoutLogo);

    // The other signed-out pages carry it too.
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByRole('img', { name: 'Acme', exact: true }).waitFor();
    expect(await page.title()).toBe('Forgot your password? · Acme');
    await page.goto(`${server.url}/reset-password?token=not-a-real-token`);
    await page.getByRole('img', { name: 'Acme', exact: true }).waitFor();

    // 360 px: the logo and the name fit, nothing scrolls sideways, nothing moves as they load.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('img', { name: 'Acme', exact: true }).waitFor();
    expect(await loadedWidth(page)).toBe(120);
    const box = await page.locator('img.auth-brand-logo').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(await layoutShift(page)).toBe(0);

    // French (the tab's override): the page's words in French, the organization's name as it is.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/sign-in?lang=fr`);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await page.getByRole('img', { name: 'Acme', exact: true }).waitFor();
    expect(await page.title()).toBe('Connexion · Acme');
    expect(violations).toEqual([]);

    // Cleared in Settings: the next page load shows the name alone and the CSP names no origin.
    await admin.goto(`${server.url}/settings`);
    await admin.getByLabel('Logo URL', { exact: true }).fill('');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByText('Settings saved.').waitFor();
    const cleared = await page.goto(`${server.url}/sign-in`);
    expect(cleared?.headers()['content-security-policy']).not.toContain(origin);
    await page.locator('.auth-brand-name', { hasText: 'Acme' }).waitFor();
    expect(await page.locator('img.auth-brand-logo').count()).toBe(0);
  });

  it('signed out, a browser that asks only for languages the console lacks gets the organization’s default; one asking for English keeps English', async () => {
    const admin = (await visitor()).page;
    await signIn(admin, server.url, ADMIN.email, ADMIN.password);
    const setDefault = (locale: string) =>
      admin.evaluate(
        `fetch('/api/v1/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ defaultLocale: '${locale}' }) }).then((r) => r.status)`,
      ) as Promise<number>;
    expect(await setDefault('fr')).toBe(200);
    try {
      const german = await browser.newContext({ locale: 'de-DE', ignoreHTTPSErrors: true });
      const page = await german.newPage();
      pages.push(page);
      await page.goto(`${server.url}/sign-in`);
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('fr');

      const english = (await visitor()).page; // en-US
      await english.goto(`${server.url}/sign-in`);
      await english.locator('.auth-brand-name', { hasText: 'Acme' }).waitFor();
      await english.getByRole('heading', { name: 'Sign in' }).waitFor();
    } finally {
      expect(await setDefault('en')).toBe(200);
    }
  });
});
