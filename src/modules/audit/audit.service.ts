import type { Db, Executor } from '../../db/db.js';
import { nowValue } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { sha256Hex } from '../../shared/crypto.js';
import { checkpointHash, laneHashesJson, laneHashesOf } from './audit.checkpoint.js';
import * as store from './audit.store.js';
import type { AuditRow } from './audit.store.js';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditInput {
  action: string;
  outcome?: AuditOutcome;
  target?: { id: string | null; label: string | null } | undefined;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: number;
  at: string;
  action: string;
  outcome: AuditOutcome;
  actor: { id: string | null; label: string };
  target: { id: string | null; label: string | null };
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** What the first event links to. */
export const GENESIS = '0'.repeat(64);

/**
 * The chained hash covers every stored field but the id and the lane, so any edit to a row breaks the
 * chain at that row (a row moved to another lane breaks the links of both). The lane is left out so
 * that events written before lanes existed keep their hashes.
 */
export function chainHash(prevHash: string, e: Omit<AuditRow, 'id' | 'hash' | 'prevHash' | 'lane'>): string {
  const canonical = JSON.stringify([
    e.at,
    e.action,
    e.outcome,
    e.actorId,
    e.actorLabel,
    e.targetId,
    e.targetLabel,
    e.ip,
    e.userAgent,
    e.requestId,
    e.details,
  ]);
  return sha256Hex(`${prevHash}\n${canonical}`);
}

/**
 * Appends one event. Call it with the transaction that makes the change it describes, so the
 * event and the change commit together or not at all (SEC-AUD-01).
 */
export async function recordAuditEvent(
  exec: Executor,
  clock: Clock,
  actor: ActorContext,
  input: AuditInput,
): Promise<void> {
  // The lane's lock is held until the transaction ends, so its chain never forks (ADR 0006).
  const lane = await store.takeLane(exec);
  // The time is read after the chain's lock (with the chain's head, in one statement), so events from
  // every node come in the order of one clock (SEC-BF-06).
  const head = await store.chainHead(exec, lane, nowValue(exec, clock));
  const prevHash = head.hash ?? GENESIS;
  const row = {
    at: head.at,
    action: input.action,
    outcome: input.outcome ?? 'success',
    actorId: actor.actorId,
    actorLabel: actor.actorLabel,
    targetId: input.target?.id ?? null,
    targetLabel: input.target?.label ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent?.slice(0, 512) ?? null,
    requestId: actor.requestId,
    details: JSON.stringify(input.details ?? {}),
  };
  await store.insertEvent(exec, { ...row, lane, prevHash, hash: chainHash(prevHash, row) });
}

/** For events with no other change to commit with (e.g. a failed sign-in). */
export async function recordStandaloneEvent(
  deps: { db: Db; clock: Clock },
  actor: ActorContext,
  input: AuditInput,
): Promise<void> {
  await deps.db.transaction().execute((trx) => recordAuditEvent(trx, deps.clock, actor, input));
}

/** A stored row as the API shows it: the list and the export present events alike. */
export function present(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    action: row.action,
    outcome: row.outcome,
    actor: { id: row.actorId, label: row.actorLabel },
    target: { id: row.targetId, label: row.targetLabel },
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

export interface AuditListInput extends store.AuditTextFilter {
  actorId?: string | undefined;
  targetId?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
  cursor?: number | undefined;
  limit: number;
}

/** Newest first, keyset-paged by id. */
export async function listAuditEvents(
  deps: { db: Db },
  input: AuditListInput,
): Promise<{ items: AuditEvent[]; nextCursor: number | null }> {
  const rows = await store.findEvents(deps.db, {
    actorId: input.actorId,
    targetId: input.targetId,
    action: input.action,
    since: input.since,
    until: input.until,
    actorMatch: input.actorMatch,
    targetMatch: input.targetMatch,
    beforeId: input.cursor,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { items: page.map(present), nextCursor: rows.length > input.limit && last ? last.id : null };
}

export type ChainVerdict =
  | {
      ok: true;
      count: number;
      /** Present once events were archived: the log is verified from the latest checkpoint on. */
      archived?: { checkpoints: number; events: number; throughId: number };
    }
  | { ok: false; count: number; brokenAt: number; reason: string };

/**
 * Walks the checkpoints of archived events (each must link to the one before and match its hash),
 * then the log in id order from the latest checkpoint, each event against the previous event of its
 * lane, and reports the first event (or checkpoint, named by the last event it covers) whose link or
 * content does not match.
 */
export async function verifyAuditChain(deps: { db: Db }): Promise<ChainVerdict> {
  let prev = new Map<number, string>();
  let afterId = 0;
  let prevCheckpoint = GENESIS;
  let archivedEvents = 0;
  const checkpoints = await store.allCheckpoints(deps.db);
  for (const cp of checkpoints) {
    const throughId = Number(cp.throughId);
    const broken = (reason: string) => ({ ok: false as const, count: 0, brokenAt: throughId, reason });
    if (
      cp.prevCheckpointHash !== prevCheckpoint ||
      cp.fromHashes !== laneHashesJson(prev) ||
      Number(cp.fromId) !== afterId
    ) {
      return broken(`checkpoint #${cp.id} does not link to the one before`);
    }
    const { id: _id, hash, ...fields } = cp;
    const recomputed = checkpointHash({
      ...fields,
      createdAt: Number(fields.createdAt),
      fromId: afterId,
      throughId,
      eventCount: Number(fields.eventCount),
    });
    if (recomputed !== hash) return broken(`checkpoint #${cp.id} does not match its hash`);
    prevCheckpoint = hash;
    prev = laneHashesOf(cp.lastHashes);
    afterId = throughId;
    archivedEvents += Number(cp.eventCount);
  }
  const archived =
    checkpoints.length > 0
      ? { archived: { checkpoints: checkpoints.length, events: archivedEvents, throughId: afterId } }
      : {};
  let count = 0;
  for (;;) {
    const rows = await store.allEventsInOrder(deps.db, afterId, 1000);
    if (rows.length === 0) return { ok: true, count, ...archived };
    for (const row of rows) {
      if (row.prevHash !== (prev.get(row.lane) ?? GENESIS))
        return { ok: false, count, brokenAt: row.id, reason: 'previous-hash link does not match' };
      if (chainHash(row.prevHash, row) !== row.hash) {
        return { ok: false, count, brokenAt: row.id, reason: 'event content does not match its hash' };
      }
      prev.set(row.lane, row.hash);
      afterId = row.id;
      count += 1;
    }
  }
}
