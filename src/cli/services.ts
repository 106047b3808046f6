import { inviterChanges } from '../app/inviter-changes.js';
import { mailNotices } from '../app/mail-notices.js';
import type { Config } from '../config/config.js';
import { createDb, type DbHandle } from '../db/db.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../modules/passwords/index.js';
import { LiveSettings, type LiveConfig } from '../modules/settings/index.js';
import type { UsersDeps } from '../modules/users/index.js';
import { systemClock } from '../shared/clock.js';

export interface CliServices {
  config: Config;
  database: DbHandle;
  /** The organization settings laid over the environment, read once at the start of the command. */
  settings: LiveSettings;
  /**
   * The deps the HTTP server gives the services (see app/build-app.ts): the same password policy and
   * temporary-password lifetime from the settings, and account notices queued in the outbox (the
   * running server's dispatcher sends them), so a change made from the shell is checked, audited and
   * notified exactly as one made in the console.
   */
  deps: UsersDeps & { config: LiveConfig };
}

/** Opens the database (migrating it first, like `serve`) and builds the service deps. */
export async function openServices(config: Config): Promise<CliServices & { close(): Promise<void> }> {
  const database = createDb(config.database, { poolSize: 2 });
  try {
    await database.migrate();
    const settings = new LiveSettings(database.db, config);
    await settings.refresh();
    const live = settings.config;
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, config.hashConcurrency);
    const notices = mailNotices({ clock: systemClock, config: live });
    const invitationsOfInviter = inviterChanges(systemClock, live);
    const deps = { db: database.db, clock: systemClock, hasher, notices, invitationsOfInviter, config: live };
    return { config, database, settings, deps, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
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
