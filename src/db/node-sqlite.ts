import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SqliteDialect over Node's built-in `node:sqlite` (ADR 0004): no native addon to build or
 * to abort the process (better-sqlite3 12 does on Node ≥ 24.19 when a statement is garbage
 * collected), and rows read as fast as better-sqlite3 12 did.
 *
 * Kysely talks to "a better-sqlite3-like database": `prepare(sql)` giving a statement with
 * `reader`, `all(params)`, `run(params)` and `iterate(params)`. This adapter supplies exactly that,
 * and keeps prepared statements by SQL text (see {@link STATEMENT_CACHE_SIZE}).
 */

/**
 * Kysely prepares every query anew, so SQLite would parse and plan the same few statements on every
 * request (13 % of the CPU time of `GET /api/v1/me` when measured). Statements are kept by SQL
 * text, the least recently used dropped past this many.
 */
export const STATEMENT_CACHE_SIZE = 500;

export interface NodeSqliteOptions {
  /** Open read-only (the backup command's source). */
  readOnly?: boolean;
}

/** Pragmas every Gatehouse connection runs with; the reasons are beside each one. */
const CONNECTION_PRAGMAS = [
  // Readers never block the writer, and a `gatehouse` command can run next to the server.
  'journal_mode = WAL',
  'foreign_keys = ON',
  // Another process holding the write lock (the CLI beside the server) is waited for, not failed.
  'busy_timeout = 5000',
  // FULL: a commit is on disk before it is acknowledged, even across power loss.
  'synchronous = FULL',
  // 16 MB of page cache, what better-sqlite3 12 was built with (SQLITE_DEFAULT_CACHE_SIZE=-16000);
  // node:sqlite keeps SQLite's own 2 MB. With 2 MB a search's 1,190 matches among 1,000,000 users
  // re-read their b-tree pages from the OS at every page of results: 8.7 ms a query against 5.0 ms
  // on better-sqlite3, 3.6 ms with this (issue 18 item 10, ADR 0004).
  'cache_size = -16000',
];

/** Opens a SQLite file (or `:memory:`) with Gatehouse's pragmas and returns it in Kysely's shape. */
export function openNodeSqlite(path: string, options: NodeSqliteOptions = {}): SqliteDatabase {
  const database = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
  for (const pragma of CONNECTION_PRAGMAS) {
    if (options.readOnly && pragma.startsWith('journal_mode')) continue;
    database.exec(`pragma ${pragma}`);
  }
  return adaptForKysely(database);
}

class CachedStatement implements SqliteStatement {
  readonly reader: boolean;
  /** True while an iterator walks the statement: it is then not handed out again. */
  busy = false;

  constructor(private readonly statement: StatementSync) {
    // A statement that yields columns is read with all(): SELECT, and INSERT/UPDATE … RETURNING.
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.statement.all(...bindable(parameters));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(...bindable(parameters));
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    this.busy = true;
    try {
      yield* this.statement.iterate(...bindable(parameters));
    } finally {
      this.busy = false;
    }
  }
}

/**
 * node:sqlite binds null, numbers, bigints, strings and byte arrays. Booleans are stored as SQLite
 * does (1/0), so that a `true` reaching SQL behaves as it does on PostgreSQL's side of the code.
 */
function bindable(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : (value as SQLInputValue)));
}

export function adaptForKysely(database: DatabaseSync): SqliteDatabase {
  const cache = new Map<string, CachedStatement>();
  return {
    prepare(source: string): SqliteStatement {
      const cached = cache.get(source);
      if (cached && !cached.busy) {
        // Re-inserted so that the Map's order is least recently used first.
        cache.delete(source);
        cache.set(source, cached);
        return cached;
      }
      const statement = new CachedStatement(database.prepare(source));
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close: () => {
      cache.clear();
      database.close();
    },
  };
}
