import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { errorResponses } from '../http/schemas.js';

/**
 * The probes' answers, declared so the OpenAPI document describes /healthz, /readyz and /metrics
 * like every other route (and so only these properties are ever written).
 */
export const HealthAnswer = z
  .object({ status: z.literal('ok') })
  .meta({ id: 'Health', description: 'The process answers.' });

const ClockReading = z.object({
  offsetMs: z.number().optional().meta({ description: "This node's clock minus the database's." }),
  limitMs: z.number().optional().meta({ description: 'CLOCK_SKEW_LIMIT_SECONDS in milliseconds.' }),
  status: z.string().meta({ description: 'ok | warning | too_far | unknown' }),
});

const MailReading = z.object({
  transport: z.string().meta({ description: 'smtp | log' }),
  status: z.string().meta({ description: 'ok | error (the error itself goes to the log only)' }),
});

export const ReadyAnswer = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: z.enum(['ok', 'storage_full', 'unreachable']),
    migrationsPending: z.number().int().optional(),
    clock: ClockReading.optional(),
    mail: MailReading.optional(),
  })
  .meta({ id: 'Readiness' });

export const healthSchema: FastifySchema = {
  tags: ['operations'],
  operationId: 'getHealth',
  summary: 'Liveness: the process answers (no database access)',
  response: { 200: HealthAnswer },
};

export const readySchema: FastifySchema = {
  tags: ['operations'],
  operationId: 'getReadiness',
  summary:
    'Readiness: the database answers and takes writes, no migration is pending, the clock is within the limit',
  description:
    'Anonymous, statuses only. 503 with the same shape when the node should get no traffic. ' +
    'A failing mail transport is reported but does not fail readiness (mail waits in the outbox).',
  response: {
    200: ReadyAnswer.describe('Ready.'),
    503: ReadyAnswer.describe('Not ready: see database, migrationsPending and clock.'),
  },
};

export const metricsSchema: FastifySchema = {
  tags: ['operations'],
  operationId: 'getMetrics',
  summary: 'Prometheus metrics (text exposition format)',
  description:
    'Off (404) unless METRICS_TOKEN is set; then send `Authorization: Bearer $METRICS_TOKEN` (else 401). ' +
    'Not a user credential: the document-wide session and token schemes do not apply.',
  security: [{ metricsToken: [] }],
  produces: ['text/plain'],
  response: {
    200: z
      .string()
      .meta({ description: 'Metrics in the Prometheus text format (text/plain; version=0.0.4).' }),
    ...errorResponses(401, 404),
  },
};
