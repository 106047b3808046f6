import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../modules/users/index.js';
import { commonErrors } from '../shared/common.errors.js';
import { declaredAccess } from './types.js';

export interface AccessGuardOptions {
  cookieName: string;
  /** Looks up the session behind a cookie secret and the user behind it, fresh on every request. */
  resolveSession(secret: string): Promise<{ principal: Principal; sessionId: string } | null>;
  /** Records an authorization failure in the audit log (SEC-AUD-01). */
  onForbidden(request: FastifyRequest): Promise<void>;
}

/**
 * Enforces each route's declared access (SEC-AZ-01): anonymous → 401, a temporary-password
 * session → 403 password_change_required except on the few routes that allow it (SEC-TMP-01),
 * non-admin on an admin route → 403. Role and status are read at every request (SEC-SES-04).
 */
export function registerAccessGuard(app: FastifyInstance, options: AccessGuardOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionId', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (request.routeOptions.url === undefined) return;
    const access = declaredAccess(request.routeOptions.url, config);
    const secret = request.cookies[options.cookieName];
    const resolved = secret ? await options.resolveSession(secret) : null;
    if (resolved && resolved.principal.status === 'active') {
      request.principal = resolved.principal;
      request.sessionId = resolved.sessionId;
    }
    if (access === 'public') return;
    const principal = request.principal;
    if (!principal) throw commonErrors.unauthenticated();
    if (principal.passwordTemporary && !config.allowTemporaryPassword)
      throw commonErrors.password_change_required();
    if (access === 'admin' && principal.role !== 'admin') {
      await options.onForbidden(request);
      throw commonErrors.forbidden();
    }
  });
}
