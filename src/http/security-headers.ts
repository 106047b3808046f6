import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DOCS_CSP, pageCsp, STRICT_CSP } from './page-csp.js';

export interface SecurityHeaderOptions {
  https: boolean;
  /** The organization's logo in force: an HTML page's img-src allows its origin (ADR 0002 amendment). */
  logoUrl?: () => string | undefined;
}

/**
 * Security headers on every response, errors included (SEC-HDR-01); `no-store` on API answers
 * because they carry user data (SEC-SES-02); no X-Powered-By (Fastify sends none).
 */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
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
  options: SecurityHeaderOptions,
): void {
  const path = request.url.split('?')[0] ?? '';
  reply.header('Content-Security-Policy', policyFor(path, reply, options));
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

/** A console page (HTML, not the API reference) may show the logo; every other answer gets the strict policy. */
function policyFor(path: string, reply: FastifyReply, options: SecurityHeaderOptions): string {
  if (path.startsWith('/api/docs')) return DOCS_CSP;
  if (!options.logoUrl) return STRICT_CSP;
  const type = String(reply.getHeader('content-type') ?? '');
  return type.startsWith('text/html') ? pageCsp(options.logoUrl()) : STRICT_CSP;
}
