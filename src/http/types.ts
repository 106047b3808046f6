import type { Principal } from '../modules/users/index.js';

/** Who may call a route. Every route declares it; the guard enforces it and the matrix tests read it. */
export type Access = 'public' | 'user' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Reachable with a temporary password (SEC-TMP-01): only /me, /me/password and sign-out. */
    allowTemporaryPassword?: boolean;
    /**
     * Only with a signed-in session, never an API token (SEC-TOK-01): what would let a token outlive
     * its own revocation or turn into a browser session (new tokens, the password, factors).
     */
    sessionOnly?: boolean;
    /** Open to a session whose second step is pending (SEC-MFA-05): the second step itself, sign-out. */
    allowMfaPending?: boolean;
    /** Open to a session that must first set up a factor its role requires (SEC-MFA-05/08). */
    allowMfaEnrollment?: boolean;
    /**
     * Step-up (SEC-MFA-07): a session must have proved its user within REAUTHENTICATION_MS, always or
     * when the route's :id is another admin; else 403 reauthentication_required.
     */
    reauthentication?: 'always' | 'adminTarget';
    /**
     * 'open': the OpenID Provider's endpoints, which other sites' apps call by design (they
     * authenticate clients and protect their own forms); exempt from the cross-site check.
     */
    crossSite?: 'open';
  }
  interface FastifyRequest {
    principal: Principal | null;
    sessionId: string | null;
    /** The API token a request was authenticated by, if any (one of sessionId / tokenId is set). */
    tokenId: string | null;
    /** The session's restriction and step-up age, when a session cookie authenticated the request. */
    sessionState: RequestSessionState | null;
  }
}

/** What the guard knows of a session beyond its user (SEC-MFA-05/07). */
export interface RequestSessionState {
  restriction: 'mfa' | 'enroll' | null;
  authenticatedAt: number;
  /** The database's time, read with the session. */
  now: number;
}

/** How recent an authentication must be for a step-up route (SEC-MFA-07). */
export const REAUTHENTICATION_MS = 10 * 60_000;

/** Secure by default: anything under /api/v1 needs a signed-in user unless the route says otherwise. */
export function declaredAccess(url: string, config: { access?: Access } | undefined): Access {
  return config?.access ?? (url.startsWith('/api/v1/') ? 'user' : 'public');
}
