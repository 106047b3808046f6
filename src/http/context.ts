import type { FastifyRequest } from 'fastify';
import type { Principal } from '../modules/users/index.js';
import type { ActorContext, Credential } from '../shared/context.js';

/** The audit context of a request: who (if signed in), from which IP, with which agent and request id. */
export function actorOf(request: FastifyRequest): ActorContext {
  const ua = request.headers['user-agent'];
  return {
    actorId: request.principal?.id ?? null,
    actorLabel: request.principal?.email ?? 'anonymous',
    ip: request.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    requestId: request.id,
  };
}

export function signedInActor(request: FastifyRequest): ActorContext & { actorId: string } {
  const actor = actorOf(request);
  if (!actor.actorId) throw new Error('route guard let an anonymous request through');
  return actor as ActorContext & { actorId: string };
}

/** The signed-in user as the guard read it for this request (role and status fresh, SEC-SES-04). */
export function signedInPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route guard let an anonymous request through');
  return request.principal;
}

/**
 * The credential a signed-in request came with, `session:<id>` or `token:<id>`: what per-credential
 * limits count against and what ends when one is exceeded.
 */
export function credentialOf(request: FastifyRequest): Credential {
  if (request.sessionId) return { kind: 'session', id: request.sessionId };
  if (request.tokenId) return { kind: 'token', id: request.tokenId };
  throw new Error('route guard let a request without a credential through');
}
