import { z } from 'zod';
import type { SettingsReader } from '../../config/settings-in-force.js';
import type { ApiApp } from '../../http/route-types.js';
import { errorResponses } from '../../http/schemas.js';
import { sha256Hex } from '../../shared/crypto.js';

const Branding = z
  .object({
    organizationName: z.string(),
    logoUrl: z.string().nullable().meta({ description: 'The logo (https only), or null: the name alone' }),
    defaultLocale: z.string().meta({ description: 'The organization’s default language (en, fr)' }),
  })
  .meta({ id: 'Branding' });

/** An If-None-Match header names this tag (a list, weak or strong, or `*`). */
const matches = (header: string | undefined, etag: string) =>
  header !== undefined &&
  header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });

/**
 * What a signed-out page may show: the organization's name, logo and language, from the settings in
 * force (a change in Settings reaches every node within the refresh interval). Nothing else: no
 * mail transport, no counts, nothing about any person. Cacheable by anyone (it is the same for every
 * caller) but revalidated on each use, so a changed logo shows at the next page load: an ETag of the
 * body answers an unchanged revalidation with 304 and no body.
 */
export function registerBrandingRoutes(app: ApiApp, deps: { settings: SettingsReader }): void {
  app.get('/api/v1/branding', {
    config: { access: 'public' },
    schema: {
      tags: ['settings'],
      summary: 'The organization’s name, logo and language, as the signed-out pages show them',
      description:
        'Public and the same for every caller: Cache-Control public, no-cache with an ETag ' +
        '(If-None-Match answers 304 while nothing changed).',
      response: {
        200: Branding,
        304: z.null().describe('Not modified: the copy named by If-None-Match is current'),
        ...errorResponses(429),
      },
    },
    handler: async (request, reply) => {
      const { organizationName, logoUrl, defaultLocale } = deps.settings.current();
      const body = { organizationName, logoUrl: logoUrl ?? null, defaultLocale };
      const etag = `"${sha256Hex(JSON.stringify(body)).slice(0, 32)}"`;
      reply.header('Cache-Control', 'public, no-cache').header('ETag', etag);
      if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
      return body;
    },
  });
}
