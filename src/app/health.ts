import type { FastifyInstance } from 'fastify';
import type { DbHandle } from '../db/db.js';
import type { StorageMonitor } from '../db/storage.js';
import type { MailTransport } from '../modules/mail/index.js';
import type { ClockOffsetMonitor } from './clock-offset.js';
import { healthSchema, readySchema } from './probes.schemas.js';

/**
 * /healthz: the process answers. /readyz: the database answers, takes writes (not full), every
 * migration has run, and this node's clock is within CLOCK_SKEW_LIMIT_SECONDS of the database's
 * (SEC-BF-06); it also reports whether the mail transport works, without failing readiness for it
 * (mail waits in the outbox). /readyz is anonymous, so it gives statuses only: an SMTP error
 * names the mail host, its port and what it said, which goes to the log (and admins see failed mail
 * in /api/v1/outbox), never to the caller. The clock offset is a number, not a secret: load
 * balancers and operators read it there.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  db: DbHandle,
  transport: MailTransport,
  storage: StorageMonitor,
  clockOffset: ClockOffsetMonitor,
): void {
  // Probes come every few seconds; the SMTP check (connect, TLS, AUTH) is reused for 30 s.
  let lastCheck: { at: number; result: Promise<Record<string, string>> } | undefined;
  const checkMail = async (): Promise<Record<string, string>> => {
    try {
      await transport.verify();
      return { transport: transport.kind, status: 'ok' };
    } catch (error) {
      app.log.warn(
        { transport: transport.kind, error: error instanceof Error ? error.message : String(error) },
        'readyz: the mail transport check failed',
      );
      return { transport: transport.kind, status: 'error' };
    }
  };
  const mailStatus = () => {
    const now = Date.now();
    if (!lastCheck || now - lastCheck.at > 30_000) lastCheck = { at: now, result: checkMail() };
    return lastCheck.result;
  };
  app.get('/healthz', { config: { access: 'public' }, schema: healthSchema }, () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: readySchema }, async (_request, reply) => {
    try {
      await db.ping();
      const pending = await db.migrationsPending();
      const mail = await mailStatus();
      const reading = clockOffset.current() ?? (await clockOffset.measure());
      const clock = reading
        ? { offsetMs: reading.offsetMs, limitMs: reading.limitMs, status: reading.status }
        : { status: 'unknown' };
      // A full disk: reads work but writes fail, so the node is not ready (503) until space is back.
      if ((await storage.current()) === 'full')
        return reply
          .code(503)
          .send({ status: 'unavailable', database: 'storage_full', migrationsPending: pending, clock, mail });
      if (pending > 0 || reading?.status !== 'ok')
        return reply
          .code(503)
          .send({ status: 'unavailable', database: 'ok', migrationsPending: pending, clock, mail });
      return { status: 'ok', database: 'ok', migrationsPending: 0, clock, mail };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
