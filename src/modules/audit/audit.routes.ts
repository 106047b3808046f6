import { z } from 'zod';
import type { ApiApp } from '../../http/route-types.js';
import { errorResponses, PlainText } from '../../http/schemas.js';
import { listAuditEvents } from './audit.service.js';
import { EXPORT_CONTENT_TYPES, exportAuditEvents } from './audit.export.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { actorOf } from '../../http/context.js';
import { peopleMatch, type PeopleMatching } from './audit.people.js';

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
  actorMatch: PlainText(200).optional().meta({
    description:
      'Part of the actor’s name or email, case-insensitive (the email at the time, or the name now)',
  }),
  targetMatch: PlainText(200)
    .optional()
    .meta({ description: 'Part of the target’s name or email, case-insensitive' }),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events at or after this time' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events before this time' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().positive().optional(),
});

/** The export's filters travel in a JSON body: it is a POST (it writes `audit.exported`, SEC-CSRF-01). */
const ExportRequest = z.strictObject({
  format: z.enum(['jsonl', 'csv']).meta({ description: 'JSON lines (one event per line) or CSV' }),
  actor: AuditQuery.shape.actor,
  target: AuditQuery.shape.target,
  action: AuditQuery.shape.action,
  since: AuditQuery.shape.since,
  actorMatch: AuditQuery.shape.actorMatch,
  targetMatch: AuditQuery.shape.targetMatch,
  until: AuditQuery.shape.until,
});

const ExportBody = z.string().meta({ description: 'The events, oldest first, streamed' });

/**
 * No route edits or deletes events (SEC-AUD-02). The export is a POST because it is audited: a GET
 * that writes an event could be set off by a cross-site link or image; a POST must carry a JSON body
 * from the same origin (SEC-CSRF-01), which no foreign page can make a browser send.
 */
export function registerAuditRoutes(
  app: ApiApp,
  deps: { db: Db; clock: Clock; people?: PeopleMatching | undefined },
): void {
  const textFilters = async (q: { actorMatch?: string; targetMatch?: string; until?: string }) => ({
    actorMatch: await peopleMatch(deps.db, deps.people, q.actorMatch),
    targetMatch: await peopleMatch(deps.db, deps.people, q.targetMatch),
    until: q.until ? Date.parse(q.until) : undefined,
  });
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
    handler: async (request) => {
      const q = request.query;
      return listAuditEvents(deps, {
        ...(await textFilters(q)),
        actorId: q.actor,
        targetId: q.target,
        action: q.action,
        since: q.since ? Date.parse(q.since) : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  });

  app.post('/api/v1/audit-events/export', {
    config: { access: 'admin' },
    schema: {
      tags: ['audit'],
      summary: 'Export the audit events matching the filters, oldest first, as JSON lines or CSV (audited)',
      body: ExportRequest,
      response: {
        200: {
          description:
            'A download: JSON lines (each line an event as the list shows it) or CSV (RFC 4180, formula characters neutralized)',
          content: {
            'application/x-ndjson': { schema: ExportBody },
            'text/csv': { schema: ExportBody },
          },
        },
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async (request, reply) => {
      const q = request.body;
      const body = await exportAuditEvents(deps, actorOf(request), {
        format: q.format,
        filter: {
          ...(await textFilters(q)),
          actorId: q.actor,
          targetId: q.target,
          action: q.action,
          since: q.since ? Date.parse(q.since) : undefined,
        },
      });
      const extension = q.format === 'csv' ? 'csv' : 'jsonl';
      // A stream is sent as it is: the response schema documents it, nothing serializes it.
      return reply
        .type(EXPORT_CONTENT_TYPES[q.format])
        .header('Content-Disposition', `attachment; filename="audit-events.${extension}"`)
        .send(body as unknown as string);
    },
  });
}
