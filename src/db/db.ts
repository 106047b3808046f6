import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import {
  CamelCasePlugin,
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import type { DatabaseTarget } from '../config/config.js';
import type { Database } from './database.js';
import type { DialectName } from './dialect.js';
import { migrationProvider } from './migrations/index.js';
import { statementNameFor } from './prepared.js';

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

/**
 * SQLite transactions take the write lock as they begin (BEGIN IMMEDIATE, waiting up to the busy
 * timeout). A deferred one that reads before it writes fails at once with SQLITE_BUSY_SNAPSHOT when
 * another process wrote in between, e.g. a `gatehouse` command run next to the server. Within one
 * process nothing changes: its connection is single.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new (class extends SqliteDriver {
      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      }
    })(this.settings);
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, so SQLite parsed and planned the same few
 * statements on every request (13 % of the CPU time of `GET /api/v1/me`). Prepared statements are
 * kept here by SQL text, the least recently used dropped past 500. A statement still iterating (a
 * streamed query) is never handed out twice.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(source: string) {
      const cached = cache.get(source);
      if (cached && !cached.busy) {
        cache.delete(source);
        cache.set(source, cached);
        return cached;
      }
      const statement = database.prepare(source);
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close: () => database.close(),
  };
}

// bigint columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Kysely's driver sends (sql, values); a query made with preparedQuery goes as a named statement instead. */
function runPreparedAsNamed(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, values?: unknown, ...rest: unknown[]) => {
    const name = typeof text === 'string' ? statementNameFor(text) : undefined;
    return name ? query({ name, text, values }) : query(text, values, ...rest);
  }) as typeof client.query;
}

export function createDb(target: DatabaseTarget, options: { poolSize?: number } = {}): DbHandle {
  const plugins = [new CamelCasePlugin()];
  let db: Db;
  let dialect: DialectName;
  if (target.kind === 'postgres') {
    dialect = 'postgres';
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10 });
    // An idle client losing its connection (e.g. a PostgreSQL restart) must not crash the process.
    pool.on('error', () => undefined);
    // So must a checked-out client losing it between two queries: pg emits that as an 'error' event,
    // which would otherwise go unhandled. The next query on it fails, and the pool drops it on release.
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
      runPreparedAsNamed(client);
    });
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
    db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
      plugins,
    });
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
