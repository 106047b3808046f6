import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { commonErrors } from '../shared/common.errors.js';

/** Hashed file names change with their content, so they can be cached for good. */
const ASSET_MAX_AGE_MS = 365 * 24 * 3_600_000;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Gatehouse</title></head>
<body>
<h1>Gatehouse</h1>
<p>The admin console is not built yet. Run <code>npm run build</code>, then restart the server.</p>
<p>The API is available at <a href="/api/docs">/api/docs</a>.</p>
</body>
</html>
`;

/**
 * The package root, found from this file: `src/app` when run from source (tsx), `dist/src/app`
 * once compiled. Walking up to the nearest package.json covers both.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('gatehouse: package.json not found above the server code');
    dir = parent;
  }
}

export interface ConsoleOptions {
  /** The Vite build output; by default `web/dist` in the package root. */
  webDist?: string;
}

/** Source maps carry the console's full sources: built (for debugging a release), never served. */
const isSourceMap = (file: string) => file.toLowerCase().endsWith('.map');

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/**
 * Serves the admin console (the Vite build in web/dist) from the same origin as the API:
 * - `/assets/*`: hashed files, `Cache-Control: public, max-age=31536000, immutable`; never a source map
 *   (`*.map` holds the console's full sources: it stays a build artifact and answers 404 here);
 * - every other GET a browser navigates to (it accepts text/html): index.html with `no-store`, so a
 *   deploy is picked up at once and pages that carry tokens in their URL are never cached (SEC-RST-08).
 * Anything under /api/, and non-HTML requests for unknown paths, keep the JSON 404. Both routes are
 * public: the console holds no data; the API it calls is guarded.
 * Without a build, the pages say how to make one.
 */
export async function registerConsole(app: FastifyInstance, options: ConsoleOptions = {}): Promise<void> {
  const dist = options.webDist ?? join(packageRoot(), 'web', 'dist');
  const indexFile = join(dist, 'index.html');
  const assets = join(dist, 'assets');

  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { serve: false, root: dist });

    scope.get('/assets/*', { config: { access: 'public' }, schema: { hide: true } }, (request, reply) => {
      const file = (request.params as { '*': string })['*'];
      if (!file || isSourceMap(file) || !existsSync(assets)) return reply.callNotFound();
      return reply.sendFile(file, assets, {
        maxAge: ASSET_MAX_AGE_MS,
        immutable: true,
        index: false,
        dotfiles: 'deny',
      });
    });

    scope.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (path === '/api' || path.startsWith('/api/')) throw commonErrors.not_found();
      if (path !== '/' && !wantsHtml(request)) throw commonErrors.not_found();
      const html = existsSync(indexFile) ? await readFile(indexFile, 'utf8') : NOT_BUILT_PAGE;
      return reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(html);
    });
  });
}
