import { withInstanceIdentity, type Config } from '../config/config.js';
import { createDb, type DbHandle } from '../db/db.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../modules/passwords/index.js';
import {
  identityForCli,
  LiveSettings,
  readInstanceIdentity,
  type StoredIdentity,
} from '../modules/settings/index.js';
import { invitationsOfInviter, personalDataOfInvitations } from '../modules/invitations/index.js';
import type { PersonalDataEraser, UsersCtx } from '../modules/users/index.js';
import { systemClock } from '../shared/clock.js';
import { err, printable } from './output.js';

export interface CliServices {
  /** The environment's configuration, with the server's stored public URL and identity where it is silent. */
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
  deps: UsersCtx & { config: Config; personalData: PersonalDataEraser };
}

/**
 * A PUBLIC_URL in the shell that is not the server's: links this command mails would point elsewhere
 * than the server's own. The shell's value is used (the environment wins), but the operator is told.
 */
function warnOnPublicUrlMismatch(environment: Config, stored: StoredIdentity): void {
  if (!environment.setInEnvironment.publicUrl || !stored.publicUrl) return;
  if (stored.publicUrl === environment.publicUrl) return;
  err(
    `warning: PUBLIC_URL is ${printable(environment.publicUrl)} here, but the server recorded ` +
      `${printable(stored.publicUrl)} at its last start; links in mail from this command use ` +
      `${printable(environment.publicUrl)}. Unset PUBLIC_URL to use the server's.`,
  );
}

/** Opens the database (migrating it first, like `serve`) and builds the service deps. */
export async function openServices(environment: Config): Promise<CliServices & { close(): Promise<void> }> {
  const database = createDb(environment.database, { poolSize: 2 });
  try {
    await database.migrate();
    const stored = await readInstanceIdentity(database.db);
    warnOnPublicUrlMismatch(environment, stored);
    const config = withInstanceIdentity(environment, identityForCli(stored));
    const settings = new LiveSettings(database.db, config);
    await settings.refresh();
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, config.hashConcurrency, config.hashShare);
    const deps = {
      db: database.db,
      clock: systemClock,
      hasher,
      invitationsOfInviter,
      personalData: personalDataOfInvitations,
      config,
      settings,
    };
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
