import { dbNow } from '../db/time.js';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import { outboxSummary } from '../modules/mail/index.js';
import type { PasswordHasher } from '../modules/passwords/index.js';
import { lockedAccountCount } from '../modules/throttle/index.js';
import type { Clock } from '../shared/clock.js';
import { constantTimeEqual } from '../shared/crypto.js';
import { metricsSchema } from './probes.schemas.js';

const SIGN_IN_ROUTE = '/api/v1/auth/sign-in';

/**
 * Prometheus metrics at /metrics: request durations by route, sign-in outcomes, the hashing queue,
 * the outbox and lockouts. Each app has its own registry (tests build many apps in one process).
 * Access needs `Authorization: Bearer $METRICS_TOKEN`; without METRICS_TOKEN the endpoint is off (404).
 */
export function registerMetrics(
  app: FastifyInstance,
  deps: { config: Config; db: Db; clock: Clock; hasher: PasswordHasher },
): void {
  const registry = new Registry();
  const durations = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'gatehouse_sign_ins_total',
    help: 'Sign-in attempts by outcome (success, failure, rate_limited, invalid_request)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gatehouse_password_hash_queue_depth',
    help: 'Password hashes waiting for a worker',
    registers: [registry],
    collect() {
      this.set(deps.hasher.queueDepth());
    },
  });
  new Gauge({
    name: 'gatehouse_outbox_messages',
    help: 'Mail outbox messages by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const summary = await outboxSummary(deps);
      for (const status of ['queued', 'sending', 'sent', 'failed'] as const)
        this.set({ status }, summary[status]);
    },
  });
  new Gauge({
    name: 'gatehouse_locked_accounts',
    help: 'Accounts in a sign-in lockout right now',
    registers: [registry],
    async collect() {
      this.set(await lockedAccountCount(deps.db, await dbNow(deps.db, deps.clock)));
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    durations.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (route === SIGN_IN_ROUTE && request.method === 'POST') {
      const status = reply.statusCode;
      const outcome =
        status === 200
          ? 'success'
          : status === 401
            ? 'failure'
            : status === 429
              ? 'rate_limited'
              : 'invalid_request';
      signIns.inc({ outcome });
    }
  });

  const token = deps.config.metricsToken;
  app.get('/metrics', { config: { access: 'public' }, schema: metricsSchema }, async (request, reply) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token)
      return reply
        .code(404)
        .send({ error: { code: 'not_found', message: 'Metrics are off; set METRICS_TOKEN.' } });
    if (!given || !constantTimeEqual(given, token)) {
      return reply
        .code(401)
        .send({ error: { code: 'unauthenticated', message: 'Send Authorization: Bearer $METRICS_TOKEN.' } });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
