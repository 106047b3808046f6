import { randomBytes } from 'node:crypto';
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

/** A fresh, migrated database for one test file (or test): in-memory SQLite, or a new PostgreSQL database. */
export async function freshDatabase(
  options: { sqlitePath?: string } = {},
): Promise<{ handle: DbHandle; url: string; drop(): Promise<void> }> {
  if (TEST_DIALECT === 'sqlite') {
    const path = options.sqlitePath ?? ':memory:';
    const handle = createDb({ kind: 'sqlite', path });
    await handle.migrate();
    return { handle, url: path, drop: () => handle.close() };
  }
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = databaseUrlFor(name);
  const handle = createDb({ kind: 'postgres', url });
  await handle.migrate();
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
