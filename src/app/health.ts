import type { FastifyInstance } from 'fastify';
import type { DbHandle } from '../db/db.js';

/** /healthz: the process answers. /readyz: the database answers and every migration has run. */
export function registerHealthRoutes(app: FastifyInstance, db: DbHandle): void {
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await db.ping();
      const pending = await db.migrationsPending();
      if (pending > 0) return reply.code(503).send({ status: 'unavailable', database: 'ok', migrationsPending: pending });
      return { status: 'ok', database: 'ok', migrationsPending: 0 };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
