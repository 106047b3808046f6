/**
 * The physical ceiling of a Node HTTP route on this machine: Fastify 5 with one route answering a
 * small JSON object, no logger, no plugins. `GET /api/v1/me` is measured against it.
 *
 *   node --import tsx bench/bare-server.ts <port>
 */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
app.get('/me', async () => ({ user: { id: '1', email: 'bare@example.com', name: 'Bare Route' } }));
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port, host: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => void app.close().then(() => process.exit(0)));
