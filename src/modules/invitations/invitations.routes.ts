import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../http/context.js';
import { AUTH_BODY_LIMIT, type ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, Empty, errorResponses, IdParams } from '../../http/schemas.js';
import { sessionCookie } from '../sessions/index.js';
import {
  AcceptInvitationBody,
  AcceptInvitationResponse,
  BulkInvitationsBody,
  BulkInvitationsResponse,
  CreateInvitationBody,
  InvitationPage,
  InvitationPreviewSchema,
  InvitationResponse,
  ListInvitationsQuery,
  parseInvitationRow,
  TokenQuery,
} from './invitations.schemas.js';
import { acceptInvitation, lookupInvitation } from './accept-invitation.js';
import { createInvitations } from './bulk-invitations.js';
import { createInvitation } from './create-invitation.js';
import type { InvitationsCtx } from './invitations.context.js';
import type { Inviter } from './inviter-rules.js';
import { listInvitations } from './list-invitations.js';
import { resendInvitation } from './resend-invitation.js';
import { revokeInvitation } from './revoke-invitation.js';

function inviterOf(request: FastifyRequest): Inviter {
  const principal = request.principal;
  if (!principal) throw new Error('route guard let an anonymous request through');
  return { id: principal.id, name: principal.name, role: principal.role };
}

/**
 * Invitations: admins manage them (members may create some when the organization allows it);
 * the invited person looks the link up and accepts it without an account (public, token in the body).
 */
export function registerInvitationRoutes(
  app: ApiApp,
  deps: InvitationsCtx & { config: { secureCookies: boolean } },
): void {
  const tags = ['invitations'];
  const admin = { access: 'admin' } as const;
  const cookie = sessionCookie(deps.config);

  app.post('/api/v1/invitations', {
    // Members too, when the organization allows it: the service decides (403 otherwise).
    config: { access: 'user' },
    schema: {
      tags,
      summary: 'Invite someone by email (72 h link); admins, and members when the settings allow it',
      body: CreateInvitationBody,
      response: { 201: InvitationResponse, ...errorResponses(...AUTHED_ERRORS, 409, 413) },
    },
    handler: async (request, reply) => {
      const invitation = await createInvitation(deps, actorOf(request), inviterOf(request), request.body);
      return reply.code(201).send({ invitation });
    },
  });

  app.get('/api/v1/invitations', {
    config: admin,
    schema: {
      tags,
      summary: 'List invitations, newest first: filter by status and email, keyset pages',
      querystring: ListInvitationsQuery,
      response: { 200: InvitationPage, ...errorResponses(400, 401, 403) },
    },
    handler: (request) => listInvitations(deps, request.query),
  });

  app.post('/api/v1/invitations/bulk', {
    config: admin,
    schema: {
      tags,
      summary: 'Invite up to 1,000 people; each row succeeds or fails on its own',
      body: BulkInvitationsBody,
      response: { 200: BulkInvitationsResponse, ...errorResponses(...AUTHED_ERRORS, 413) },
    },
    handler: async (request) => {
      const rows = request.body.invitations.map(parseInvitationRow);
      return { results: await createInvitations(deps, actorOf(request), inviterOf(request), rows) };
    },
  });

  app.post('/api/v1/invitations/:id/resend', {
    config: admin,
    schema: {
      tags,
      summary:
        'Send a pending (or expired) invitation again with a new 72 h link; the old link stops working',
      params: IdParams,
      response: { 200: InvitationResponse, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
    },
    handler: async (request) => ({
      invitation: await resendInvitation(deps, actorOf(request), request.params.id),
    }),
  });

  app.delete('/api/v1/invitations/:id', {
    config: admin,
    schema: {
      tags,
      summary: 'Revoke a pending invitation: its link stops working',
      params: IdParams,
      response: { 204: Empty, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
    },
    handler: async (request, reply) => {
      await revokeInvitation(deps, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/v1/invitations/lookup', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'What an invitation link is for (organization, email, role, inviter); does not consume it',
      description:
        'Every unusable link (unknown, expired, used, revoked, resent) answers 400 invalid_token; one whose inviter was deactivated or may no longer invite to its role answers 403 inviter_not_allowed.',
      querystring: TokenQuery,
      response: { 200: InvitationPreviewSchema, ...errorResponses(400, 403) },
    },
    handler: (request) => lookupInvitation(deps, request.query.token),
  });

  app.post('/api/v1/invitations/accept', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Accept an invitation: choose name and password, become an active user, get signed in',
      body: AcceptInvitationBody,
      response: { 201: AcceptInvitationResponse, ...errorResponses(400, 403, 413, 415) },
    },
    handler: async (request, reply) => {
      const { user, sessionSecret } = await acceptInvitation(deps, actorOf(request), request.body);
      reply.setCookie(cookie.name, sessionSecret, {
        ...cookie.options,
        maxAge: Math.floor(deps.settings.current().session.absoluteMs / 1000),
      });
      return reply.code(201).send({ user, passwordChangeRequired: false as const });
    },
  });
}
