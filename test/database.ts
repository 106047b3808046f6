import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb, type DbHandle } from '../src/db/db.js';

/** Which database the suite runs against: `GATEHOUSE_TEST_DB=postgres` with TEST_DATABASE_URL, else SQLite in memory. */
export const TEST_DIALECT: 'sqlite' | 'postgres' =
  process.env.GATEHOUSE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('GATEHOUSE_TEST_DB=postgres needs TEST_DATABASE_URL (npm test sets both)');
  return url;
}

export function databaseUrlFor(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh, migrated database for one test file (or test): in-memory SQLite, or a new PostgreSQL database
 * copied from a migrated template (see migratedTemplate).
 */
export async function freshDatabase(
  options: { sqlitePath?: string } = {},
): Promise<{ handle: DbHandle; url: string; drop(): Promise<void> }> {
  if (TEST_DIALECT === 'sqlite') {
    const path = options.sqlitePath ?? ':memory:';
    const handle = createDb({ kind: 'sqlite', path });
    await handle.migrate();
    return { handle, url: path, drop: () => handle.close() };
  }
  const template = await migratedTemplate();
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`);
  await admin.end();
  const url = databaseUrlFor(name);
  const handle = createDb({ kind: 'postgres', url });
  return {
    handle,
    url,
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * The name of a PostgreSQL database migrated to the latest schema, made once per server and schema:
 * every fresh database is a copy of it (CREATE DATABASE … TEMPLATE), which takes a tenth of the time
 * of running the migrations on an empty one (hundreds of fresh databases per run). The name carries a
 * digest of the migration sources, so an edited migration gets a new template on a long-lived server.
 * Workers of one run share it: an advisory lock lets one of them make it while the others wait.
 */
let template: Promise<string> | undefined;
function migratedTemplate(): Promise<string> {
  template ??= makeTemplate().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return template;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../src/db/migrations/', import.meta.url));
const TEMPLATE_LOCK = 7_041_301;

async function makeTemplate(): Promise<string> {
  const digest = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    digest.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  }
  const name = `gh_template_${digest.digest('hex').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      // Migrated under a working name and renamed when done: a template by its final name is whole.
      const working = `${name}_wip`;
      await admin.query(`DROP DATABASE IF EXISTS ${working} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${working}`);
      const handle = createDb({ kind: 'postgres', url: databaseUrlFor(working) });
      try {
        await handle.migrate();
      } finally {
        await handle.close();
      }
      await admin.query(`ALTER DATABASE ${working} RENAME TO ${name}`);
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
}
