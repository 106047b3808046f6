import { sql } from 'kysely';
import type { Executor } from '../../db/db.js';
import { isPostgres } from '../../db/dialect.js';
import type { AuditCheckpointsTable, AuditEventsTable } from './audit.table.js';
import type { Insertable, Selectable } from 'kysely';

export type AuditRow = Selectable<AuditEventsTable>;

/** Serialises appends on PostgreSQL so the hash chain never forks; SQLite has one writer anyway. */
export async function lockChain(exec: Executor): Promise<void> {
  if (isPostgres(exec as never)) await sql`select pg_advisory_xact_lock(7207001)`.execute(exec);
}

/** The hash the next event links to: the newest event's, or, once every event is archived, the checkpoint's. */
export async function lastHash(exec: Executor): Promise<string | undefined> {
  const row = await exec
    .selectFrom('auditEvents')
    .select('hash')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.hash ?? (await latestCheckpoint(exec))?.lastHash;
}

export async function insertEvent(exec: Executor, row: Insertable<AuditEventsTable>): Promise<void> {
  await exec.insertInto('auditEvents').values(row).execute();
}

export interface AuditQuery {
  actorId?: string | undefined;
  targetId?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
  beforeId?: number | undefined;
  limit: number;
}

export async function findEvents(exec: Executor, q: AuditQuery): Promise<AuditRow[]> {
  let query = exec.selectFrom('auditEvents').selectAll();
  if (q.actorId) query = query.where('actorId', '=', q.actorId);
  if (q.targetId) query = query.where('targetId', '=', q.targetId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.since !== undefined) query = query.where('at', '>=', q.since);
  if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

export async function allEventsInOrder(exec: Executor, afterId: number, limit: number): Promise<AuditRow[]> {
  return exec
    .selectFrom('auditEvents')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
}

export interface AuditExportQuery {
  actorId?: string | undefined;
  targetId?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
  afterId: number;
  /** The last event id when the export began: events appended while it streams are left out. */
  upToId: number;
  limit: number;
}

/** One page of an export: the matching events after `afterId`, oldest first, keyset by id. */
export async function findEventsAscending(exec: Executor, q: AuditExportQuery): Promise<AuditRow[]> {
  let query = exec
    .selectFrom('auditEvents')
    .selectAll()
    .where('id', '>', q.afterId)
    .where('id', '<=', q.upToId);
  if (q.actorId) query = query.where('actorId', '=', q.actorId);
  if (q.targetId) query = query.where('targetId', '=', q.targetId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.since !== undefined) query = query.where('at', '>=', q.since);
  return query.orderBy('id', 'asc').limit(q.limit).execute();
}

export async function lastId(exec: Executor): Promise<number> {
  const row = await exec
    .selectFrom('auditEvents')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.id) : 0;
}

export type CheckpointRow = Selectable<AuditCheckpointsTable>;

export async function latestCheckpoint(exec: Executor): Promise<CheckpointRow | undefined> {
  return exec.selectFrom('auditCheckpoints').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function allCheckpoints(exec: Executor): Promise<CheckpointRow[]> {
  return exec.selectFrom('auditCheckpoints').selectAll().orderBy('id', 'asc').execute();
}

export async function checkpointThrough(
  exec: Executor,
  throughId: number,
): Promise<CheckpointRow | undefined> {
  return exec
    .selectFrom('auditCheckpoints')
    .selectAll()
    .where('throughId', '=', throughId)
    .executeTakeFirst();
}

export async function insertCheckpoint(
  exec: Executor,
  row: Insertable<AuditCheckpointsTable>,
): Promise<void> {
  await exec.insertInto('auditCheckpoints').values(row).execute();
}

/** The id of the first event after `afterId` stamped at or after `at`, if any. */
export async function firstIdAtOrAfter(
  exec: Executor,
  afterId: number,
  at: number,
): Promise<number | undefined> {
  const row = await exec
    .selectFrom('auditEvents')
    .select('id')
    .where('id', '>', afterId)
    .where('at', '>=', at)
    .orderBy('id', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/** Removes archived events; the database lets through only rows a recorded checkpoint covers. */
export async function deleteArchived(exec: Executor, fromId: number, throughId: number): Promise<number> {
  const result = await exec
    .deleteFrom('auditEvents')
    .where('id', '>', fromId)
    .where('id', '<=', throughId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
