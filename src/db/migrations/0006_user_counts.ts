import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/*
 * `GET /api/v1/users` answers `total` with every page. A COUNT over 1,000,000 users took 80 to 200 ms
 * (SQLite walks a whole index, PostgreSQL an index-only scan), eight times the 25 ms a page may
 * take. The number of users per (role, status) is kept here instead, by triggers on users in the
 * same transaction as the change, so an unfiltered or role/status-filtered total is a sum over at
 * most six rows, exact and current on every node.
 *
 * On PostgreSQL an insert or a role/status change holds its counter row until it commits, so such
 * writes serialize per (role, status); they are rare (sign-in and profile edits do not touch it). A
 * change that moves a user between two rows updates them in key order, so two cannot deadlock.
 * Triggers are created before the counts are taken, so no write slips between the two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_counts')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_counts_pk', ['role', 'status'])
    .execute();

  if (isPostgres(db)) {
    // Inserts and deletes are counted once per statement (a bulk insert updates each counter row
    // once, not once per user: repeated updates of one row within a transaction pile up row
    // versions), in key order. A role/status change is one user at a time, counted per row.
    await sql`CREATE FUNCTION user_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO user_counts AS c (role, status, n)
          SELECT role, status, count(*) FROM inserted_users GROUP BY role, status ORDER BY role, status
          ON CONFLICT (role, status) DO UPDATE SET n = c.n + excluded.n;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE FUNCTION user_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE user_counts c SET n = c.n - d.n
          FROM (SELECT role, status, count(*) AS n FROM deleted_users GROUP BY role, status) d
          WHERE c.role = d.role AND c.status = d.status;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE FUNCTION user_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (OLD.role, OLD.status) < (NEW.role, NEW.status) THEN
          UPDATE user_counts SET n = n - 1 WHERE role = OLD.role AND status = OLD.status;
          INSERT INTO user_counts AS c (role, status, n) VALUES (NEW.role, NEW.status, 1)
            ON CONFLICT (role, status) DO UPDATE SET n = c.n + 1;
        ELSE
          INSERT INTO user_counts AS c (role, status, n) VALUES (NEW.role, NEW.status, 1)
            ON CONFLICT (role, status) DO UPDATE SET n = c.n + 1;
          UPDATE user_counts SET n = n - 1 WHERE role = OLD.role AND status = OLD.status;
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER user_counts_insert AFTER INSERT ON users
      REFERENCING NEW TABLE AS inserted_users FOR EACH STATEMENT
      EXECUTE FUNCTION user_counts_inserted()`.execute(db);
    await sql`CREATE TRIGGER user_counts_delete AFTER DELETE ON users
      REFERENCING OLD TABLE AS deleted_users FOR EACH STATEMENT
      EXECUTE FUNCTION user_counts_deleted()`.execute(db);
    await sql`CREATE TRIGGER user_counts_update AFTER UPDATE OF role, status ON users
      FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.status IS DISTINCT FROM NEW.status)
      EXECUTE FUNCTION user_counts_changed()`.execute(db);
  } else {
    await sql`CREATE TRIGGER user_counts_insert AFTER INSERT ON users BEGIN
      INSERT INTO user_counts (role, status, n) VALUES (new.role, new.status, 1)
        ON CONFLICT (role, status) DO UPDATE SET n = n + 1;
    END`.execute(db);
    await sql`CREATE TRIGGER user_counts_delete AFTER DELETE ON users BEGIN
      UPDATE user_counts SET n = n - 1 WHERE role = old.role AND status = old.status;
    END`.execute(db);
    await sql`CREATE TRIGGER user_counts_update AFTER UPDATE OF role, status ON users
      WHEN old.role IS NOT new.role OR old.status IS NOT new.status BEGIN
      UPDATE user_counts SET n = n - 1 WHERE role = old.role AND status = old.status;
      INSERT INTO user_counts (role, status, n) VALUES (new.role, new.status, 1)
        ON CONFLICT (role, status) DO UPDATE SET n = n + 1;
    END`.execute(db);
  }
  await sql`INSERT INTO user_counts (role, status, n)
    SELECT role, status, count(*) FROM users GROUP BY role, status`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
