import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/*
 * A substring search (`GET /api/v1/users?q=`) is `search LIKE '%q%'`, which no b-tree serves: at
 * 1,000,000 users it read every row. A trigram index answers it from the three-letter pieces of q.
 *
 * PostgreSQL: the pg_trgm extension and a GIN index with gin_trgm_ops on users.search; the planner
 * uses it for `search LIKE '%q%'` by itself. CREATE EXTENSION needs a privilege some managed
 * databases do not give the application's role: it is tried inside a DO block that catches the
 * error, so the migration still succeeds without it, and the index is created only when the
 * extension is there (installed by us or beforehand by an operator, in whatever schema). Without
 * it, search stays correct and scans. To add it later: have a superuser run
 * `CREATE EXTENSION pg_trgm;` then
 * `CREATE INDEX CONCURRENTLY users_search_trgm ON users USING gin (search gin_trgm_ops);`.
 *
 * SQLite: an FTS5 table with the trigram tokenizer over users.search, with external content (it
 * stores only the index and reads the text from users by rowid), kept in step by triggers and
 * filled here. The store asks it for q as a quoted phrase (MATCH), which the trigram tokenizer
 * answers from the index alone for q of three characters or more (its LIKE support would re-read
 * every candidate row from users). users has no INTEGER PRIMARY KEY, so its rowid is implicit:
 * SQLite keeps it through VACUUM in practice (and `gatehouse backup` copies pages) but does not
 * promise to; after a VACUUM of an old database, run
 * `INSERT INTO users_search(users_search) VALUES ('rebuild')`. The rows of a page stay exact
 * regardless: the store checks each against users.search itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DO $$
      BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'gatehouse: pg_trgm is not available (%); user search will scan without an index', SQLERRM;
      END $$`.execute(db);
    await sql`DO $$
      DECLARE opclass_schema name;
      BEGIN
        SELECT n.nspname INTO opclass_schema
          FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace
          JOIN pg_am a ON a.oid = o.opcmethod
          WHERE o.opcname = 'gin_trgm_ops' AND a.amname = 'gin'
          LIMIT 1;
        IF opclass_schema IS NOT NULL THEN
          EXECUTE format('CREATE INDEX IF NOT EXISTS users_search_trgm ON users USING gin (search %I.gin_trgm_ops)', opclass_schema);
        END IF;
      END $$`.execute(db);
    return;
  }

  await sql`CREATE VIRTUAL TABLE users_search USING fts5(
    search, content='users', content_rowid='rowid', tokenize='trigram'
  )`.execute(db);
  await sql`CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search(rowid, search) VALUES (new.rowid, new.search);
  END`.execute(db);
  await sql`CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search(users_search, rowid, search) VALUES ('delete', old.rowid, old.search);
  END`.execute(db);
  await sql`CREATE TRIGGER users_search_update AFTER UPDATE OF search ON users BEGIN
    INSERT INTO users_search(users_search, rowid, search) VALUES ('delete', old.rowid, old.search);
    INSERT INTO users_search(rowid, search) VALUES (new.rowid, new.search);
  END`.execute(db);
  await sql`INSERT INTO users_search(users_search) VALUES ('rebuild')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
