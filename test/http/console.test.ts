import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig } from '../../src/config/config.js';
import { createArgon2Hasher } from '../../src/modules/passwords/index.js';
import { ManualClock } from '../clock.js';
import { freshDatabase } from '../database.js';
import { TEST_ARGON2 } from '../harness.js';
import { testSecretBox } from '../secrets.js';

/** A stand-in for the Vite build: index.html and one hashed asset. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("console");\n');
  // What `vite build` leaves next to each file (sourcemap: 'hidden'): the full sources, never to be served.
  writeFileSync(
    join(dir, 'assets', 'index-abc123.js.map'),
    '{"version":3,"sources":["../../src/main.tsx"],"sourcesContent":["const secretSource = 1;"],"mappings":""}',
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The real app (real routes, hooks and headers) with the console served from `webDist`. */
async function appServing(webDist: string) {
  const database = await freshDatabase();
  const app = await buildApp({
    config: loadConfig({ PUBLIC_URL: 'http://localhost:8080', LOG_LEVEL: 'silent' }),
    database: database.handle,
    clock: new ManualClock(),
    hasher: createArgon2Hasher(TEST_ARGON2, 1),
    secrets: testSecretBox(),
    webDist,
  });
  await app.ready();
  afterAll(async () => {
    await app.close();
    await database.drop();
  });
  return app;
}

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the console is served by the API server', () => {
  it('hashed assets are cached for a year and immutable; a missing asset is the JSON 404, never cached', async () => {
    const app = await appServing(fakeBuild());
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['content-security-policy']).toContain("script-src 'self'");

    const missing = await app.inject({ method: 'GET', url: '/assets/index-000000.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(missing.headers['cache-control'] ?? '').not.toContain('immutable');

    for (const url of ['/assets/../index.html', '/assets/%2e%2e/index.html', '/assets/.hidden']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).not.toBe(200);
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });

  it('SEC-IN-05: source maps (full sources) are a build artifact, never served: /assets/*.map is the JSON 404', async () => {
    const app = await appServing(fakeBuild());
    for (const url of [
      '/assets/index-abc123.js.map',
      '/assets/index-abc123.js.MAP',
      '/assets/index-abc123.js.m%61p',
      '/assets/index-abc123.js.map?x=1',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found' } });
      expect(res.body, url).not.toContain('secretSource');
      // A page request for it gets no map either (the page route never reads /assets).
      const page = await app.inject({ method: 'GET', url, headers: HTML });
      expect(page.body, url).not.toContain('secretSource');
    }
    // The file it maps is still served.
    expect((await app.inject({ method: 'GET', url: '/assets/index-abc123.js' })).statusCode).toBe(200);
  });

  it('SEC-IN-05: the console build writes its source maps without a sourceMappingURL comment', async () => {
    const { default: viteConfig } = (await import('../../web/vite.config.js')) as {
      default: { build?: { sourcemap?: unknown } };
    };
    expect(viteConfig.build?.sourcemap).toBe('hidden');
  });

  it('SEC-RST-08: every console page is index.html with Cache-Control: no-store and no referrer, tokens in the URL included', async () => {
    const app = await appServing(fakeBuild());
    for (const url of [
      '/',
      '/sign-in',
      '/users?q=ana&role=admin',
      '/reset-password?token=abc',
      '/invitations/accept?token=x',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-store');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['content-security-policy'], url).toMatch(/script-src 'self';/);
      expect(res.body, url).toContain('<div id="root"></div>');
    }
  });

  it('the API keeps its JSON 404s: under /api/ always, elsewhere for anything that is not a page request', async () => {
    const app = await appServing(fakeBuild());
    for (const [url, headers] of [
      ['/api/v1/nope', HTML],
      ['/api/nope', HTML],
      ['/api', HTML],
      ['/nope', {}],
      ['/favicon.ico', { accept: 'image/avif,image/webp,*/*' }],
    ] as const) {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found' } });
    }
    // Only GET serves pages: other methods on a page path are the usual 404.
    const post = await app.inject({ method: 'POST', url: '/users', headers: HTML, payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it('without a build, the root says how to make one', async () => {
    const app = await appServing(join(tmpdir(), 'gatehouse-no-such-build'));
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build');
    expect((await app.inject({ method: 'GET', url: '/assets/index-abc123.js' })).statusCode).toBe(404);
  });
});
