import { z } from 'zod';
import type { Db } from '../../db/db.js';
import type { ApiApp } from '../../http/route-types.js';
import { errorResponses } from '../../http/schemas.js';
import { outboxSummary } from './outbox.service.js';

const OutboxSummarySchema = z
  .object({
    queued: z.number().int(),
    sending: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    recentFailures: z.array(
      z.object({
        id: z.string(),
        to: z.string(),
        template: z.string(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'OutboxSummary' });

export function registerOutboxRoutes(app: ApiApp, deps: { db: Db }): void {
  app.get('/api/v1/outbox', {
    config: { access: 'admin' },
    schema: {
      tags: ['mail'],
      summary: 'Mail outbox: counts by status and recent failures',
      response: { 200: OutboxSummarySchema, ...errorResponses(401, 403) },
    },
    handler: () => outboxSummary(deps),
  });
}
