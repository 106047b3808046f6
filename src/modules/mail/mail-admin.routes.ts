import { z } from 'zod';
import { signedInPrincipal } from '../../http/context.js';
import type { ApiApp } from '../../http/route-types.js';
import { AUTHED_ERRORS, EmailInput, errorResponses, PlainText } from '../../http/schemas.js';
import { listOutbox, mailStatus, sendTestMail, type MailAdminDeps } from './mail-admin.js';
import { retryFailedMail } from './outbox.service.js';

const Status = z.enum(['queued', 'sending', 'sent', 'failed']);
const Counts = z.object({
  queued: z.number().int(),
  sending: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
});

const MailStatusSchema = z
  .object({
    transport: z
      .enum(['smtp', 'log'])
      .meta({ description: 'log: mail is not sent, only written to the server log' }),
    from: z.string(),
    check: z.enum(['ok', 'error', 'unchecked']),
    checkError: z.string().nullable(),
    lastError: z.object({ message: z.string(), at: z.string(), to: z.string() }).nullable(),
    counts: Counts,
  })
  .meta({ id: 'MailStatus' });

const OutboxMessage = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    template: z.string(),
    to: z.string(),
    subject: z.string(),
    status: Status,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
  })
  .meta({ id: 'OutboxMessage' });

const OutboxQuery = z.strictObject({
  status: Status.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: PlainText(100).optional(),
});

/** Settings → Mail and the Outbox page (issue 14, item 1): admins only. */
export function registerMailAdminRoutes(app: ApiApp, deps: MailAdminDeps): void {
  const admin = { access: 'admin' } as const;
  const tags = ['mail'];

  app.get('/api/v1/mail', {
    config: admin,
    schema: {
      tags,
      summary:
        'Mail transport (smtp or log), sender, newest delivery error, outbox counts; check=true tests SMTP',
      querystring: z.strictObject({ check: z.enum(['true', 'false']).default('false') }),
      response: { 200: MailStatusSchema, ...errorResponses(400, 401, 403) },
    },
    handler: (request) => mailStatus(deps, { check: request.query.check === 'true' }),
  });

  app.post('/api/v1/mail/test', {
    config: admin,
    schema: {
      tags,
      summary: 'Queue a test message (to yourself unless `to` is given); it shows in the outbox',
      body: z.strictObject({ to: EmailInput.optional() }),
      response: { 202: z.object({ to: z.string() }), ...errorResponses(...AUTHED_ERRORS) },
    },
    handler: async (request, reply) => {
      const to = request.body.to ?? signedInPrincipal(request).email;
      await sendTestMail(deps, to);
      return reply.code(202).send({ to });
    },
  });

  app.get('/api/v1/outbox/messages', {
    config: admin,
    schema: {
      tags,
      summary: 'Outbox messages, newest first, by status (no bodies), keyset-paged',
      querystring: OutboxQuery,
      response: {
        200: z.object({ items: z.array(OutboxMessage), nextCursor: z.string().nullable() }),
        ...errorResponses(400, 401, 403),
      },
    },
    handler: (request) => listOutbox(deps, request.query),
  });

  app.post('/api/v1/outbox/retry', {
    config: admin,
    schema: {
      tags,
      summary: 'Queue every failed message again (after fixing SMTP)',
      response: { 200: z.object({ requeued: z.number().int() }), ...errorResponses(...AUTHED_ERRORS) },
    },
    handler: async () => ({ requeued: await retryFailedMail(deps) }),
  });
}
