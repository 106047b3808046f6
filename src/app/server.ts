import type { FastifyInstance } from 'fastify';
import { withInstanceIdentity, type Config } from '../config/config.js';
import { createDb } from '../db/db.js';
import { issueSetupLink } from '../modules/auth/index.js';
import { createArgon2Hasher, loadBlocklist, PRODUCTION_ARGON2 } from '../modules/passwords/index.js';
import {
  identityForServer,
  readInstanceIdentity,
  recordInstanceIdentity,
} from '../modules/settings/index.js';
import { nodeClock } from '../shared/clock.js';
import { serverContext } from '../shared/context.js';
import { buildApp } from './build-app.js';
import { openSecretBox, type OpenedSecretBox } from './secret-keys.js';

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
  environment: Config,
  options: { handleSignals?: boolean; secrets?: OpenedSecretBox } = {},
): Promise<RunningServer> {
  // Before the database: a PostgreSQL deployment without SECRET_KEY must not start at all (SEC-MFA-02).
  // `serve` opens it before loading this module and hands it over, so a created key file is reported.
  const secrets = options.secrets ?? openSecretBox(environment);
  const database = createDb(environment.database);
  await database.migrate();
  // The public URL and organization identity: this environment's where set, else what another node
  // recorded; then recorded for the other nodes and the CLI, so all build the same links (issue 14).
  const stored = await readInstanceIdentity(database.db);
  const config = withInstanceIdentity(environment, identityForServer(stored));
  // The node's own clock; every decision on stored times asks the database instead (SEC-BF-06).
  const clock = nodeClock(config.clock.testOffsetMs);
  // Best effort: a node that cannot write (a full disk) still starts, serves reads and says so in the log.
  const unrecorded = await recordInstanceIdentity(
    { db: database.db, clock },
    serverContext(),
    environment,
    config,
  ).then(
    () => null,
    (error: unknown) => error,
  );
  loadBlocklist();
  const hasher = createArgon2Hasher(PRODUCTION_ARGON2, config.hashConcurrency, config.hashShare);
  const deps = { config, database, clock, hasher, secrets: secrets.box };
  const app = await buildApp(deps);
  if (secrets.keyFile?.created)
    app.log.warn(
      { keyFile: secrets.keyFile.path },
      'created the secret key file that seals stored secrets: back it up with the database but keep the copies apart, or set SECRET_KEY',
    );
  else if (secrets.keyFile)
    app.log.info({ keyFile: secrets.keyFile.path }, 'stored secrets sealed with the key file');
  if (unrecorded)
    app.log.warn({ err: unrecorded }, 'could not record the public URL for the other nodes and the CLI');
  if (stored.publicUrl && stored.publicUrlFromEnvironment && stored.publicUrl !== config.publicUrl) {
    app.log.warn(
      { publicUrl: config.publicUrl, previous: stored.publicUrl },
      'PUBLIC_URL differs from the one recorded by the last server to start: mailed links now use this one',
    );
  }
  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Port in use or not permitted: nothing may stay open, so the caller can report it and exit.
    await app.close();
    await database.close();
    throw error;
  }
  app.log.info(
    { address, database: database.dialect, publicUrl: config.publicUrl, node: process.version },
    'gatehouse listening',
  );

  app.mail.dispatcher.start();
  app.clockOffset.start();
  app.oidc.startDelivery();

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
