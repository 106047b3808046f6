import type { FastifyRequest } from 'fastify';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Principal } from '../users/index.js';

/**
 * "Signed in" for an app means what the session guard accepts for ordinary routes: an active user
 * with a full session. A temporary password must be changed first (SEC-TMP-01); a session with a
 * pending second step (two-step verification, issue 13) will likewise finish it in the console.
 */
export function fullySignedIn(
  principal: Principal | null,
  restriction: string | null = null,
): principal is Principal {
  // A session whose second step is pending, or that must first set up a factor its role requires
  // (SEC-MFA-05), signs no one in to an app: the console's sign-in finishes it first.
  return (
    principal !== null &&
    principal.status === 'active' &&
    !principal.passwordTemporary &&
    restriction === null
  );
}

/** Where the mount leaves, on the raw request, who the Gatehouse session fully signs in (if anyone). */
const SIGNED_IN = Symbol('gatehouse signed-in user');

type MarkedRequest = FastifyRequest['raw'] & { [SIGNED_IN]?: string };

/**
 * Called by the mount before the provider sees a request: the session guard has already read the
 * Gatehouse session cookie (as for every route), so the provider's checks learn the answer without
 * a second lookup.
 */
export function markSignedIn(request: FastifyRequest): void {
  const principal = request.principal ?? null;
  const raw = request.raw as MarkedRequest;
  raw[SIGNED_IN] = fullySignedIn(principal, request.sessionState?.restriction ?? null)
    ? principal.id
    : undefined;
}

/** The user the Gatehouse session of this provider request fully signs in, or undefined. */
export function signedInUserOf(ctx: KoaContextWithOIDC): string | undefined {
  return (ctx.req as MarkedRequest)[SIGNED_IN];
}
