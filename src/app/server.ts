import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { createDb } from '../db/db.js';
import { issueSetupLink } from '../modules/auth/index.js';
import { createArgon2Hasher, loadBlocklist, PRODUCTION_ARGON2 } from '../modules/passwords/index.js';
import { nodeClock } from '../shared/clock.js';
import { buildApp } from './build-app.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts Gatehouse: migrate, build the app, listen, print the setup link when there is no user yet,
 * and drain in-flight requests on SIGTERM/SIGINT before closing the database.
 */
export async function startServer(
  config: Config,
  options: { handleSignals?: boolean } = {},
): Promise<RunningServer> {
  const database = createDb(config.database);
  await database.migrate();
  loadBlocklist();
  const hasher = createArgon2Hasher(PRODUCTION_ARGON2, config.hashConcurrency, config.hashShare);
  // The node's own clock; every decision on stored times asks the database instead (SEC-BF-06).
  const clock = nodeClock(config.clock.testOffsetMs);
  const deps = { config, database, clock, hasher };
  const app = await buildApp(deps);
  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { address, database: database.dialect, publicUrl: config.publicUrl, node: process.version },
    'gatehouse listening',
  );

  app.mail.dispatcher.start();
  app.clockOffset.start();

  const setupLink = await issueSetupLink({ config, clock, db: database.db });
  if (setupLink) {
    // The one intended place a setup secret appears: the operator's terminal at first start.
    process.stdout.write(
      `\nNo users yet. Create the first admin with this link (valid until used):\n\n  ${setupLink}\n\n` +
        `or from the shell: gatehouse admin create --email <email> --name <name>\n\n`,
    );
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await database.close();
    })());
  if (options.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down');
        void close().then(() => process.exit(0));
      });
    }
  }
  return { app, url: address, close };
}
