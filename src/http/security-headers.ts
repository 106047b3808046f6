import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
/* The API reference page (swagger-ui) styles elements inline; it still runs no inline script. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Security headers on every response, errors included (SEC-HDR-01); `no-store` on API answers
 * because they carry user data (SEC-SES-02); no X-Powered-By (Fastify sends none).
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    setSecurityHeaders(request, reply, options);
    return payload;
  });
}

/** The headers that do not depend on the request, for answers written straight to the socket. */
export function staticSecurityHeaders(options: { https: boolean }): Record<string, string> {
  return {
    'Content-Security-Policy': STRICT_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    ...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** The headers themselves; also called for the malformed-URL answers Fastify gives before any hook runs. */
export function setSecurityHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { https: boolean },
): void {
  const path = request.url.split('?')[0] ?? '';
  reply.header('Content-Security-Policy', path.startsWith('/api/docs') ? DOCS_CSP : STRICT_CSP);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  reply.header('Cross-Origin-Resource-Policy', 'same-origin');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('X-Request-Id', request.id);
  if (options.https) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  if (path.startsWith('/api/') && !path.startsWith('/api/docs') && !reply.hasHeader('cache-control')) {
    reply.header('Cache-Control', 'no-store');
  }
}
