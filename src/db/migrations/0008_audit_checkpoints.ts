import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/*
 * Chain lanes (issue 10, item 5; ADR 0006). Every audited write held one global lock on PostgreSQL
 * until it committed, so the log took one commit (one fsync) at a time: about 140 writes/s on the
 * development machine, fewer with more nodes, under the ~120 sign-ins/s one node can do. The log is
 * now several hash chains ("lanes", an event's `lane`), each with its own lock: an event links to the
 * previous event of its lane. Existing events are lane 0, where a quiet server keeps writing.
 *
 * Audit retention (issue 10, item 5; ADR 0006). `gatehouse audit archive --before <date>` writes the
 * oldest events to a file and records a checkpoint here: the last archived event's id, the hash each
 * lane's chain continues from, how many events it covered, the file's events digest, chained to the previous checkpoint by hash. Then,
 * and only then, may those events leave audit_events: the triggers that made the log append-only now
 * let a DELETE through for rows a recorded checkpoint covers, and for no other row. UPDATE stays
 * refused, and checkpoints themselves can be neither changed nor removed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .alterTable('audit_events')
    .addColumn('lane', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('audit_events_lane').on('audit_events').columns(['lane', 'id']).execute();

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('from_id', 'bigint', (c) => c.notNull())
    .addColumn('from_hashes', 'text', (c) => c.notNull())
    .addColumn('through_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('last_hashes', 'text', (c) => c.notNull())
    .addColumn('event_count', 'bigint', (c) => c.notNull())
    .addColumn('events_sha256', 'text', (c) => c.notNull())
    .addColumn('prev_checkpoint_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();

  if (pg) {
    await sql`CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_checkpoints is append-only'; END $$`.execute(db);
    await sql`CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()`.execute(db);
    // The one way out of audit_events: a DELETE of a row that a recorded checkpoint covers.
    await sql`CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND OLD.id <= (SELECT coalesce(max(through_id), 0) FROM audit_checkpoints) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only';
      END $$`.execute(db);
  } else {
    await sql`CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END`.execute(db);
    await sql`DROP TRIGGER audit_events_no_delete`.execute(db);
    await sql`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      WHEN old.id > (SELECT coalesce(max(through_id), 0) FROM audit_checkpoints)
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only; restore a backup to go back.');
}
