/**
 * What a database driver's error means, for both drivers: node:sqlite throws `ERR_SQLITE_ERROR` with
 * SQLite's extended result code in `errcode`; pg gives the SQLSTATE in `code`. Duck-typed, so that
 * the HTTP error handler can classify errors without importing a driver.
 */
interface DriverError {
  code?: unknown;
  errcode?: unknown;
}

/** SQLite result codes (https://sqlite.org/rescode.html); the low byte is the primary code. */
const SQLITE_BUSY = 5;
const SQLITE_FULL = 13;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

function sqliteCode(error: unknown): number | undefined {
  const e = error as DriverError | null;
  return e?.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number' ? e.errcode : undefined;
}

function sqlState(error: unknown): unknown {
  return (error as DriverError | null)?.code;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = sqliteCode(error);
  if (code !== undefined) return code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY;
  return sqlState(error) === '23505';
}

/** Another connection holds the write lock past the busy timeout: retryable. */
export function isDatabaseBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && (code & 0xff) === SQLITE_BUSY;
}

/** The disk (or the database's quota) is full: SQLITE_FULL, or PostgreSQL's disk_full (53100). */
export function isStorageFull(error: unknown): boolean {
  const code = sqliteCode(error);
  if (code !== undefined) return (code & 0xff) === SQLITE_FULL;
  return sqlState(error) === '53100';
}
