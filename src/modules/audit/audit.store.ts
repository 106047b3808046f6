import { sql } from 'kysely';
import type { Executor } from '../../db/db.js';
import { isPostgres } from '../../db/dialect.js';
import { nowSql } from '../../db/time.js';
import { laneHashesOf } from './audit.checkpoint.js';
import type { AuditCheckpointsTable, AuditEventsTable } from './audit.table.js';
import type { ExpressionBuilder, Insertable, Selectable } from 'kysely';
import type { Database } from '../../db/database.js';

export type AuditRow = Selectable<AuditEventsTable>;

/**
 * How many hash chains ("lanes") PostgreSQL appends spread over (ADR 0006): each lane's appends are
 * serialized by its own advisory lock, held until commit, so up to this many audited transactions
 * commit at once. SQLite has one writer anyway: everything is lane 0.
 */
export const CHAIN_LANES = 16;
const LOCK_CLASS = 7207001;

/** The lane a transaction already appends to: a second event in it stays on the same lane. */
const laneOfTransaction = new WeakMap<object, number>();

/**
 * Takes a lane for this transaction: the first free one from lane 0 on (a quiet server writes one
 * chain), or, when all are busy, waits for one at random. Never a second lane in one transaction, so
 * two transactions cannot wait for each other's lanes.
 */
export async function takeLane(exec: Executor): Promise<number> {
  if (!isPostgres(exec as never)) return 0;
  const held = laneOfTransaction.get(exec);
  if (held !== undefined) return held;
  const free = await sql<{ lane: number }>`
    select lane from generate_series(0, ${CHAIN_LANES - 1}) as lane
    where pg_try_advisory_xact_lock(${LOCK_CLASS}, lane) limit 1`.execute(exec);
  let lane = free.rows[0]?.lane;
  if (lane === undefined) {
    lane = Math.floor(Math.random() * CHAIN_LANES);
    await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, ${lane})`.execute(exec);
  }
  laneOfTransaction.set(exec, Number(lane));
  return Number(lane);
}

/** Every lane, in order: appends wait until this transaction ends (archiving). */
export async function lockAllLanes(exec: Executor): Promise<void> {
  if (!isPostgres(exec as never)) return;
  await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, lane) from generate_series(0, ${CHAIN_LANES - 1}) as lane`.execute(
    exec,
  );
}

/**
 * The hash the next event of `lane` links to (its newest event's, or, once archived, the checkpoint's)
 * and the time for the new event, in one statement (one round trip fewer per
 * audited write on PostgreSQL, issue 18 item 10). `now` is nowValue()'s: null reads the database's
 * clock in this statement, which runs after the lane's lock was taken, as the event's time must be.
 */
export async function chainHead(
  exec: Executor,
  lane: number,
  now: number | null,
): Promise<{ hash: string | undefined; at: number }> {
  const row = await exec
    .selectNoFrom((eb) => [
      eb
        .selectFrom('auditEvents')
        .select('hash')
        .where('lane', '=', lane)
        .orderBy('id', 'desc')
        .limit(1)
        .as('hash'),
      nowSql(exec, now).as('at'),
    ])
    .executeTakeFirstOrThrow();
  return { hash: row.hash ?? (await archivedHash(exec, lane)), at: Number(row.at) };
}

/** An empty lane links to the latest archive checkpoint's hash for it, if its events were archived. */
async function archivedHash(exec: Executor, lane: number): Promise<string | undefined> {
  const checkpoint = await latestCheckpoint(exec);
  return checkpoint ? laneHashesOf(checkpoint.lastHashes).get(lane) : undefined;
}

export async function insertEvent(exec: Executor, row: Insertable<AuditEventsTable>): Promise<void> {
  await exec.insertInto('auditEvents').values(row).execute();
}

/**
 * A partial name or email typed into the audit filters: events whose stored label (the person's
 * email then) contains the text, or whose person is one of the users whose name or email contains it
 * now (`ids`, found through the users module's port).
 */
export interface PeopleMatch {
  text: string;
  ids: readonly string[];
}

/** The filters the list and the export share, beyond the exact ones. */
export interface AuditTextFilter {
  until?: number | undefined;
  actorMatch?: PeopleMatch | undefined;
  targetMatch?: PeopleMatch | undefined;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function matchesPerson(
  eb: ExpressionBuilder<Database, 'auditEvents'>,
  label: 'actorLabel' | 'targetLabel',
  id: 'actorId' | 'targetId',
  match: PeopleMatch,
) {
  const byLabel = sql<boolean>`lower(${sql.ref(label)}) like ${`%${escapeLike(match.text.toLowerCase())}%`} escape '\\'`;
  return match.ids.length > 0 ? eb.or([byLabel, eb(id, 'in', [...match.ids])]) : byLabel;
}

export interface AuditQuery extends AuditTextFilter {
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
  if (q.until !== undefined) query = query.where('at', '<', q.until);
  const { actorMatch, targetMatch } = q;
  if (actorMatch) query = query.where((eb) => matchesPerson(eb, 'actorLabel', 'actorId', actorMatch));
  if (targetMatch) query = query.where((eb) => matchesPerson(eb, 'targetLabel', 'targetId', targetMatch));
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

export interface AuditExportQuery extends AuditTextFilter {
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
  if (q.until !== undefined) query = query.where('at', '<', q.until);
  const { actorMatch, targetMatch } = q;
  if (actorMatch) query = query.where((eb) => matchesPerson(eb, 'actorLabel', 'actorId', actorMatch));
  if (targetMatch) query = query.where((eb) => matchesPerson(eb, 'targetLabel', 'targetId', targetMatch));
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
