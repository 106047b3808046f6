import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { openNodeSqlite } from './node-sqlite.js';
import { statementNameFor } from './statement-names.js';

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
      // Some failures (a full disk, SQLITE_FULL) make SQLite roll the transaction back itself; the
      // rollback that follows must not replace the error that says why with "no transaction is active".
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        try {
          await connection.executeQuery(CompiledQuery.raw('rollback'));
        } catch (error) {
          if (!/no transaction is active/i.test((error as Error).message)) throw error;
        }
      }
    })(this.settings);
  }
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
    db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: openNodeSqlite(target.path) }),
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
