import { z } from 'zod';
import type { ApiApp } from '../../http/route-types.js';
import { errorResponses, PlainText } from '../../http/schemas.js';
import { listAuditEvents } from './audit.service.js';
import type { Db } from '../../db/db.js';

const AuditEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    action: z.string(),
    outcome: z.enum(['success', 'failure', 'denied']),
    actor: z.object({ id: z.string().nullable(), label: z.string() }),
    target: z.object({ id: z.string().nullable(), label: z.string().nullable() }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

const AuditQuery = z.strictObject({
  actor: PlainText(64).optional().meta({ description: 'Actor user id' }),
  target: PlainText(64).optional().meta({ description: 'Target user id' }),
  action: PlainText(100).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().positive().optional(),
});

/** Read-only: no route edits or deletes events (SEC-AUD-02). */
export function registerAuditRoutes(app: ApiApp, deps: { db: Db }): void {
  app.get('/api/v1/audit-events', {
    config: { access: 'admin' },
    schema: {
      tags: ['audit'],
      summary: 'Audit events, newest first, keyset-paged',
      querystring: AuditQuery,
      response: {
        200: z.object({ items: z.array(AuditEventSchema), nextCursor: z.number().int().nullable() }),
        ...errorResponses(400, 401, 403),
      },
    },
    handler: (request) => {
      const q = request.query;
      return listAuditEvents(deps, {
        actorId: q.actor,
        targetId: q.target,
        action: q.action,
        since: q.since ? Date.parse(q.since) : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  });
}
