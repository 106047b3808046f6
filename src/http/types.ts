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
  }
}

/** Secure by default: anything under /api/v1 needs a signed-in user unless the route says otherwise. */
export function declaredAccess(url: string, config: { access?: Access } | undefined): Access {
  return config?.access ?? (url.startsWith('/api/v1/') ? 'user' : 'public');
}
