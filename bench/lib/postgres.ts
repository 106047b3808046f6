import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres.mjs';

export interface BenchPostgres {
  /** The server's URL (database `postgres`). */
  url: string;
  pid(): number | undefined;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL server for the run, started like `npm test` starts its own
 * (scripts/embedded-postgres.mjs), but durable as in production: fsync and synchronous_commit keep
 * their defaults, since Gatehouse's SQLite runs with synchronous = FULL.
 */
export async function startPostgres(workDir: string): Promise<BenchPostgres> {
  const server = await startEmbeddedPostgres(join(workDir, 'pg'), { durable: true, maxConnections: 200 });
  const url = server.url;
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
