import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import {
  CamelCasePlugin,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Transaction,
} from 'kysely';
import type { DatabaseTarget } from '../config/config.js';
import type { Database } from './database.js';
import type { DialectName } from './dialect.js';
import { migrationProvider } from './migrations/index.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: store functions accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DbHandle {
  readonly db: Db;
  readonly dialect: DialectName;
  migrate(): Promise<void>;
  migrationsPending(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// bigint columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDb(target: DatabaseTarget, options: { poolSize?: number } = {}): DbHandle {
  const plugins = [new CamelCasePlugin()];
  let db: Db;
  let dialect: DialectName;
  if (target.kind === 'postgres') {
    dialect = 'postgres';
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10 });
    // An idle client losing its connection (e.g. a PostgreSQL restart) must not crash the process.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
  } else {
    dialect = 'sqlite';
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const database = new SqliteDatabase(target.path);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    // FULL: a commit is on disk before it is acknowledged, even across power loss.
    database.pragma('synchronous = FULL');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), plugins });
  }

  const migrator = () => new Migrator({ db, provider: migrationProvider });

  return {
    db,
    dialect,
    async migrate() {
      const { error } = await migrator().migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
    },
    async migrationsPending() {
      const all = await migrator().getMigrations();
      return all.filter((m) => m.executedAt === undefined).length;
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
