import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptForKysely, openNodeSqlite, STATEMENT_CACHE_SIZE } from '../../src/db/node-sqlite.js';
import { isDatabaseBusy, isUniqueViolation } from '../../src/db/errors.js';

/*
 * The adapter that gives Kysely's SqliteDialect the built-in node:sqlite (ADR 0004): what Kysely
 * relies on (reader detection, positional parameters, run()'s changes and rowid, iteration) and
 * what Gatehouse adds (the statement cache, booleans, error classification). Runs on SQLite in every
 * pass: it is the driver's own contract, not a dialect test.
 */
function database() {
  const raw = new DatabaseSync(':memory:');
  raw.exec('create table t (id integer primary key, email text unique, flag integer, data blob)');
  return { raw, db: adaptForKysely(raw) };
}

describe('node:sqlite adapter for Kysely', () => {
  it('a statement that yields columns is a reader (SELECT, INSERT … RETURNING); a plain write is not', () => {
    const { db } = database();
    expect(db.prepare('select 1 as one').reader).toBe(true);
    expect(db.prepare('insert into t (email) values (?) returning id').reader).toBe(true);
    expect(db.prepare('insert into t (email) values (?)').reader).toBe(false);
    expect(db.prepare('delete from t where id = ?').reader).toBe(false);
  });

  it('binds positional parameters from an array; run() reports changes and the new rowid; rows read back', () => {
    const { db } = database();
    const written = db
      .prepare('insert into t (email, flag, data) values (?, ?, ?)')
      .run(['a@x', 7, new Uint8Array([1, 2])]);
    expect(written).toEqual({ changes: 1, lastInsertRowid: 1 });
    const rows = db.prepare('select id, email, flag, data from t where email = ?').all(['a@x']);
    expect(rows).toHaveLength(1);
    expect({ ...(rows[0] as object) }).toEqual({
      id: 1,
      email: 'a@x',
      flag: 7,
      data: new Uint8Array([1, 2]),
    });
  });

  it('booleans are stored as SQLite stores them, 1 and 0', () => {
    const { db } = database();
    db.prepare('insert into t (email, flag) values (?, ?)').run(['t@x', true]);
    db.prepare('insert into t (email, flag) values (?, ?)').run(['f@x', false]);
    const rows = db.prepare('select email, flag from t order by id').all([]) as Array<{ flag: number }>;
    expect(rows.map((r) => r.flag)).toEqual([1, 0]);
  });

  it('a statement is prepared once per SQL text and reused; past the cache size the least recently used is dropped', () => {
    const { db } = database();
    const first = db.prepare('select 1 as n');
    expect(db.prepare('select 1 as n')).toBe(first);
    for (let i = 0; i < STATEMENT_CACHE_SIZE; i++) db.prepare(`select ${i + 2} as n`);
    expect(db.prepare('select 1 as n')).not.toBe(first);
  });

  it('a statement being iterated is not handed out again until the iteration ends', () => {
    const { db } = database();
    for (const email of ['a@x', 'b@x', 'c@x']) db.prepare('insert into t (email) values (?)').run([email]);
    const sql = 'select email from t order by id';
    const walking = db.prepare(sql);
    const iterator = walking.iterate([]);
    expect(iterator.next().value).toMatchObject({ email: 'a@x' });
    const meanwhile = db.prepare(sql);
    expect(meanwhile).not.toBe(walking);
    expect(meanwhile.all([])).toHaveLength(3);
    expect([...iterator].map((r) => (r as { email: string }).email)).toEqual(['b@x', 'c@x']);
  });

  it('driver errors are classified: a unique violation is one, a lock wait past the timeout is "busy"', () => {
    const { db } = database();
    db.prepare('insert into t (email) values (?)').run(['dup@x']);
    let error: unknown;
    try {
      db.prepare('insert into t (email) values (?)').run(['dup@x']);
    } catch (e) {
      error = e;
    }
    expect(isUniqueViolation(error)).toBe(true);
    expect(isDatabaseBusy(error)).toBe(false);
    expect(isDatabaseBusy({ code: 'ERR_SQLITE_ERROR', errcode: 5 })).toBe(true);
    expect(isDatabaseBusy({ code: 'ERR_SQLITE_ERROR', errcode: 517 })).toBe(true); // SQLITE_BUSY_SNAPSHOT
  });

  it('a Gatehouse connection runs in WAL with synchronous FULL and 16 MB of page cache, as on better-sqlite3 12', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pragmas-'));
    const db = openNodeSqlite(join(dir, 'g.sqlite'));
    try {
      const pragma = (name: string) => Object.values(db.prepare(`pragma ${name}`).all([])[0] as object)[0];
      expect(pragma('journal_mode')).toBe('wal');
      expect(pragma('synchronous')).toBe(2);
      // node:sqlite's SQLite keeps its 2 MB default, which made a 1,000,000-user search re-read pages.
      expect(pragma('cache_size')).toBe(-16000);
      expect(pragma('foreign_keys')).toBe(1);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
