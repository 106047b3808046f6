import { z } from 'zod';
import { actorOf } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, errorResponses, PlainText } from '../../http/schemas.js';
import { issueInvitationLinks, MAX_LINKS, type InvitationLinksDeps } from './invitation-links.js';

const LinksBody = z.strictObject({ ids: z.array(PlainText(64).min(1)).min(1).max(MAX_LINKS) });

const LinksResponse = z
  .object({
    links: z.array(
      z.object({
        id: z.string(),
        email: z.string(),
        name: z.string().nullable(),
        link: z.string().meta({ description: 'Shown this once; the link mailed before stops working.' }),
        expiresAt: z.string(),
      }),
    ),
    skipped: z.array(z.object({ id: z.string(), code: z.string() })),
  })
  .meta({ id: 'InvitationLinks' });

export function registerInvitationLinkRoutes(app: ApiApp, deps: InvitationLinksDeps): void {
  app.post('/api/v1/invitations/links', {
    config: { access: 'admin' },
    schema: {
      tags: ['invitations'],
      summary:
        'Copy invitation links: each pending invitation gets a new link (72 h), returned once; ' +
        'the link mailed before stops working',
      body: LinksBody,
      response: { 200: LinksResponse, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
    },
    handler: (request) => issueInvitationLinks(deps, actorOf(request), request.body.ids),
  });
}
