import type { Config } from '../config/config.js';
import { createDb, type DbHandle } from '../db/db.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../modules/passwords/index.js';
import { silentNotices, type UsersDeps } from '../modules/users/index.js';
import { systemClock } from '../shared/clock.js';

export interface CliServices {
  config: Config;
  database: DbHandle;
  /** The same deps the HTTP server gives the services (see app/server.ts), so the CLI's changes audit alike. */
  deps: UsersDeps & { config: Config };
}

/** Opens the database (migrating it first, like `serve`) and builds the service deps. */
export async function openServices(config: Config): Promise<CliServices & { close(): Promise<void> }> {
  const database = createDb(config.database, { poolSize: 2 });
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  const hasher = createArgon2Hasher(PRODUCTION_ARGON2, config.hashConcurrency);
  // The mail module will replace silentNotices here and in server.ts with its outbox sender.
  const deps = { db: database.db, clock: systemClock, hasher, notices: silentNotices, config };
  return { config, database, deps, close: () => database.close() };
}

/** Runs one command against the services and always closes the database, so the process can exit. */
export async function withServices<T>(
  config: Config,
  run: (services: CliServices) => Promise<T>,
): Promise<T> {
  const services = await openServices(config);
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}
