import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../modules/users/index.js';
import { commonErrors } from '../shared/common.errors.js';
import { DeadCredentials } from './dead-credentials.js';
import { declaredAccess, REAUTHENTICATION_MS, type RequestSessionState } from './types.js';

export interface AccessGuardOptions {
  cookieName: string;
  /** Looks up the session behind a cookie secret and the user behind it, fresh on every request. */
  resolveSession(
    secret: string,
  ): Promise<{ principal: Principal; sessionId: string; session?: RequestSessionState } | null>;
  /** Looks up the user behind an API token (`Authorization: Bearer`), fresh on every request. */
  resolveToken(token: string): Promise<{ principal: Principal; tokenId: string } | null>;
  /** How long a repeatedly refused credential waits for its 401 (flood pacing); 1 s by default. */
  floodPauseMs?: number;
  /** Records an authorization failure in the audit log (SEC-AUD-01). */
  onForbidden(request: FastifyRequest): Promise<void>;
  /** Whether a user id is an admin's: step-up for admin actions on another admin (SEC-MFA-07). */
  isAdmin?(userId: string): Promise<boolean>;
}

/**
 * Enforces each route's declared access (SEC-AZ-01): anonymous → 401, a temporary-password
 * session → 403 password_change_required except on the few routes that allow it (SEC-TMP-01),
 * an API token on a session-only route → 403 session_required (SEC-TOK-01),
 * non-admin on an admin route → 403. Role and status are read at every request (SEC-SES-04).
 * A session whose second step is pending answers 403 mfa_required, one that must set up a factor
 * first 403 mfa_enrollment_required, except where a route allows it (SEC-MFA-05). A step-up route
 * wants the session's last authentication within 10 minutes (SEC-MFA-07); API tokens have no
 * authentication to repeat and are judged by their own rules (sessionOnly).
 */
/** Offers of one refused credential answered at once before the pacing starts (a tab's parallel requests). */
const PAUSE_AFTER_REFUSALS = 20;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function registerAccessGuard(app: FastifyInstance, options: AccessGuardOptions): void {
  // Refused credentials are remembered, so a flood with one costs no database round trip.
  const dead = new DeadCredentials();
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('tokenId', null);
  app.decorateRequest('sessionState', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (request.routeOptions.url === undefined) return;
    const access = declaredAccess(request.routeOptions.url, config);
    const authorization = request.headers.authorization;
    let refusedBefore = 0;
    if (authorization !== undefined) {
      // A request with credentials in the header is judged by them alone; cookies are ignored, so
      // the header (exempt from the cross-site check) can never ride on a browser's session.
      const bearer = /^Bearer ([A-Za-z0-9_-]{1,200})$/i.exec(authorization)?.[1];
      refusedBefore = bearer ? dead.hits(`t:${bearer}`) : 0;
      const resolved = bearer && refusedBefore === 0 ? await options.resolveToken(bearer) : null;
      if (bearer && !resolved && refusedBefore === 0) dead.add(`t:${bearer}`);
      if (resolved && resolved.principal.status === 'active') {
        request.principal = resolved.principal;
        request.tokenId = resolved.tokenId;
      }
    } else {
      const secret = request.cookies[options.cookieName];
      refusedBefore = secret ? dead.hits(`s:${secret}`) : 0;
      const resolved = secret && refusedBefore === 0 ? await options.resolveSession(secret) : null;
      if (secret && !resolved && refusedBefore === 0) dead.add(`s:${secret}`);
      if (resolved && resolved.principal.status === 'active') {
        request.principal = resolved.principal;
        request.sessionId = resolved.sessionId;
        request.sessionState = resolved.session ?? null;
      }
    }
    if (access === 'public') return;
    const principal = request.principal;
    if (!principal) {
      // A client offering a refused credential over and over is a flood, not a person whose session
      // ended (they get their 401 at once and sign in again): pace it to one answer per pause per
      // connection, which costs a timer, not a database round trip.
      if (refusedBefore > PAUSE_AFTER_REFUSALS) await pause(options.floodPauseMs ?? 1000);
      throw commonErrors.unauthenticated();
    }
    // A password alone opens only the second step, or the enrollment a role requires (SEC-MFA-05).
    const restriction = request.sessionState?.restriction ?? null;
    if (restriction === 'mfa' && !config.allowMfaPending) throw commonErrors.mfa_required();
    if (restriction === 'enroll' && !config.allowMfaEnrollment) throw commonErrors.mfa_enrollment_required();
    if (principal.passwordTemporary && !config.allowTemporaryPassword)
      throw commonErrors.password_change_required();
    if (config.sessionOnly && request.sessionId === null) throw commonErrors.session_required();
    if (access === 'admin' && principal.role !== 'admin') {
      await options.onForbidden(request);
      throw commonErrors.forbidden();
    }
    if (config.reauthentication && request.sessionState) {
      const state = request.sessionState;
      if (state.now - state.authenticatedAt > REAUTHENTICATION_MS) {
        const target = (request.params as { id?: unknown } | undefined)?.id;
        const needed =
          config.reauthentication === 'always' ||
          // Without a way to tell, any other user counts as an admin: step-up errs on the safe side.
          (typeof target === 'string' &&
            target !== principal.id &&
            ((await options.isAdmin?.(target)) ?? true));
        if (needed) throw commonErrors.reauthentication_required();
      }
    }
  });
}
