import type { Migration, MigrationProvider } from 'kysely';
import * as core from './0001_core.js';

/** Migrations are compiled into the package (no directory scanning), in order. */
const migrations: Record<string, Migration> = {
  '0001_core': core,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
