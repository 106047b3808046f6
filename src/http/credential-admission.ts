import type { FastifyInstance, FastifyRequest } from 'fastify';
import { commonErrors } from '../shared/common.errors.js';

/**
 * Requests in progress per credential (session cookie or API token), capped before any work is done
 * for them (SEC-PS-02). One stolen session opening hundreds of connections would otherwise have
 * hundreds of requests reading and writing the database at once, and every other user's request
 * would wait behind them in the same event loop. Past the cap a request is answered 429 at once,
 * without a database round trip, so a flood costs the server little more than parsing it.
 *
 * Requests without a credential are not counted here: their expensive paths (sign-in, forgot
 * password) have per-address limits and hash shares of their own.
 */
export interface CredentialAdmissionOptions {
  cookieName: string;
  /** The most requests one credential may have in progress; 0 turns the cap off. */
  maxInFlight: number;
  /** How long a request over the cap waits for its 429 (flood pacing); 1 s by default. */
  pauseMs?: number;
}

export function registerCredentialAdmission(app: FastifyInstance, options: CredentialAdmissionOptions): void {
  if (options.maxInFlight <= 0) return;
  const inFlight = new Map<string, number>();
  app.addHook('onRequest', async (request, reply) => {
    const key = credentialKey(request, options.cookieName);
    if (key === undefined) return;
    const held = inFlight.get(key) ?? 0;
    if (held >= options.maxInFlight) {
      // Answered after the second it asks the client to wait: a flood's connections are paced to one
      // request per second each instead of spinning on instant refusals.
      await new Promise<void>((resolve) => setTimeout(resolve, options.pauseMs ?? 1000));
      throw commonErrors.rate_limited().withRetryAfter(1);
    }
    inFlight.set(key, held + 1);
    // 'close' follows every response, finished or aborted, exactly once: the slot is always given back.
    reply.raw.once('close', () => {
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    });
  });
}

/** The credential a request carries, as the access guard will judge it: the header first, else the cookie. */
function credentialKey(request: FastifyRequest, cookieName: string): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) return `h:${authorization.slice(0, 256)}`;
  const secret = request.cookies[cookieName];
  return secret === undefined ? undefined : `c:${secret.slice(0, 256)}`;
}
