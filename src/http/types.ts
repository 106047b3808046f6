import type { Principal } from '../modules/users/index.js';

/** Who may call a route. Every route declares it; the guard enforces it and the matrix tests read it. */
export type Access = 'public' | 'user' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Reachable with a temporary password (SEC-TMP-01): only /me, /me/password and sign-out. */
    allowTemporaryPassword?: boolean;
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
