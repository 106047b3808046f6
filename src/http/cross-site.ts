import type { FastifyInstance, FastifyRequest } from 'fastify';
import { commonErrors } from '../shared/common.errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SAME_SITE_FETCH = new Set(['same-origin', 'none']);

function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Rejects cross-site state-changing requests (SEC-CSRF-01/02): a foreign Origin or a
 * Sec-Fetch-Site other than same-origin/none → 403. It covers every route, sign-in and setup
 * included (login CSRF). Requests carrying an Authorization header are exempt: a browser never adds
 * one cross-site without a CORS preflight, which Gatehouse never grants. Non-JSON bodies are
 * refused with 415 by the content-type parser (only application/json is registered).
 */
export function registerCrossSiteProtection(app: FastifyInstance, publicOrigin: string): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (request.routeOptions.config?.crossSite === 'open') return;
    if (request.headers.authorization) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== publicOrigin && origin !== ownOrigin(request)) {
      throw commonErrors.cross_site_request();
    }
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string' && !SAME_SITE_FETCH.has(site)) throw commonErrors.cross_site_request();
  });
}
