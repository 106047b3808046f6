import { createHash } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { checkpointHash, laneHashesJson, laneHashesOf } from './audit.checkpoint.js';
import { chainHash, GENESIS } from './audit.service.js';
import * as store from './audit.store.js';
import type { AuditRow, CheckpointRow } from './audit.store.js';

/*
 * Retention (issue 10, item 5; ADR 0006). `gatehouse audit archive --before <date>` moves the oldest
 * events out of the table into a file an auditor can check on its own:
 *
 *   {"type":"gatehouse-audit-archive","version":1,"fromId":0,"fromHashes":"{}","prevCheckpointHash":"000…"}
 *   {"type":"event","id":1,"at":…,"action":…,…,"details":"{…}","prevHash":"000…","hash":"…","lane":0}   (one per event)
 *   {"type":"checkpoint","createdAt":…,"fromId":0,"fromHashes":"{}","throughId":…,"lastHashes":"{\"0\":…}","eventCount":…,"eventsSha256":…,"prevCheckpointHash":…,"hash":…}
 *
 * Events are written exactly as stored, so each one's hash can be recomputed from the file; each links
 * to the previous event of its lane (fromHashes for the first of a lane, the genesis for a new lane).
 * The checkpoint is recorded in audit_checkpoints in the same transaction that removes the events;
 * the database refuses to remove any event no checkpoint covers. `audit verify` then starts from the
 * latest checkpoint: the first remaining event of each lane must link to its lastHashes entry.
 */

const FORMAT = 'gatehouse-audit-archive';

type CheckpointFields = Omit<CheckpointRow, 'id'>;

const eventLine = (row: AuditRow) => `${JSON.stringify({ type: 'event', ...row, id: Number(row.id) })}\n`;

export interface ArchivePlan {
  fromId: number;
  /** JSON {lane: hash} the archived events link to (the latest checkpoint's lastHashes). */
  fromHashes: string;
  prevCheckpointHash: string;
  /** The last event to archive: the events after fromId up to it are all older than the date. */
  throughId: number;
}

/**
 * What `--before` covers: the longest run of events, after the latest checkpoint, all stamped before
 * the date (the chain is cut at an id, so an event written late by a node whose clock was behind
 * stays with the ones after it). Null when there is nothing to archive.
 */
export async function planArchive(deps: { db: Db }, before: number): Promise<ArchivePlan | null> {
  const latest = await store.latestCheckpoint(deps.db);
  const fromId = latest ? Number(latest.throughId) : 0;
  const firstKept = await store.firstIdAtOrAfter(deps.db, fromId, before);
  const throughId = firstKept === undefined ? await store.lastId(deps.db) : firstKept - 1;
  if (throughId <= fromId) return null;
  return {
    fromId,
    fromHashes: latest?.lastHashes ?? '{}',
    prevCheckpointHash: latest?.hash ?? GENESIS,
    throughId,
  };
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes the planned events to `file` (created, never overwritten; flushed to disk), checking their
 * chain on the way, then records the checkpoint and removes the events in one transaction. A failure
 * before that transaction commits removes nothing, and the file is deleted again.
 */
export async function archiveAuditEvents(
  deps: { db: Db; clock: Clock },
  plan: ArchivePlan,
  file: string,
): Promise<CheckpointFields> {
  const handle = await open(file, 'wx');
  const digest = createHash('sha256');
  const prev = laneHashesOf(plan.fromHashes);
  let count = 0;
  let afterId = plan.fromId;
  try {
    await handle.write(
      `${JSON.stringify({ type: FORMAT, version: 1, fromId: plan.fromId, fromHashes: plan.fromHashes, prevCheckpointHash: plan.prevCheckpointHash })}\n`,
    );
    for (;;) {
      const rows = (await store.allEventsInOrder(deps.db, afterId, 1000)).filter(
        (r) => Number(r.id) <= plan.throughId,
      );
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) {
        // A broken chain is reported, never archived: the file must verify on its own.
        if (row.prevHash !== (prev.get(row.lane) ?? GENESIS) || chainHash(row.prevHash, row) !== row.hash) {
          throw new ArchiveError(
            'audit_chain_broken',
            `event #${row.id} does not match the chain; run audit verify`,
          );
        }
        prev.set(row.lane, row.hash);
        afterId = Number(row.id);
        count += 1;
        chunk += eventLine(row);
      }
      digest.update(chunk);
      await handle.write(chunk);
    }
    if (afterId !== plan.throughId) {
      throw new ArchiveError(
        'audit_events_missing',
        `expected events up to #${plan.throughId}, found #${afterId}`,
      );
    }
    const fields = {
      createdAt: deps.clock.now(),
      fromId: plan.fromId,
      fromHashes: plan.fromHashes,
      throughId: plan.throughId,
      lastHashes: laneHashesJson(prev),
      eventCount: count,
      eventsSha256: digest.digest('hex'),
      prevCheckpointHash: plan.prevCheckpointHash,
    };
    const checkpoint = { ...fields, hash: checkpointHash(fields) };
    await handle.write(`${JSON.stringify({ type: 'checkpoint', ...checkpoint })}\n`);
    await handle.sync();
    await handle.close();

    await deps.db.transaction().execute(async (trx) => {
      // Appends wait while events leave, so the next one links to the right hash.
      await store.lockAllLanes(trx);
      const latest = await store.latestCheckpoint(trx);
      if ((latest?.hash ?? GENESIS) !== plan.prevCheckpointHash) {
        throw new ArchiveError(
          'audit_archive_concurrent',
          'another archive ran meanwhile; run the command again',
        );
      }
      await store.insertCheckpoint(trx, checkpoint);
      const removed = await store.deleteArchived(trx, plan.fromId, plan.throughId);
      if (removed !== count) {
        throw new ArchiveError('audit_events_missing', `archived ${count} events but removed ${removed}`);
      }
    });
    return checkpoint;
  } catch (error) {
    // Nothing was removed: a file left behind would only be mistaken for an archive.
    await handle.close().catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
}

export type ArchiveVerdict =
  | { ok: true; count: number; fromId: number; throughId: number; recorded: boolean; hash: string }
  | { ok: false; reason: string };

/**
 * Checks an archive file on its own (every event's hash and link, the count, the events digest and
 * the checkpoint's hash), and whether the database recorded the same checkpoint.
 */
export async function verifyArchiveFile(deps: { db: Db }, file: string): Promise<ArchiveVerdict> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const parse = (line: string | undefined): Record<string, unknown> | null => {
    try {
      return JSON.parse(line ?? '') as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const header = parse(lines[0]);
  const trailer = parse(lines.at(-1));
  if (header?.type !== FORMAT || header.version !== 1)
    return { ok: false, reason: 'not a Gatehouse audit archive' };
  if (trailer?.type !== 'checkpoint' || lines.length < 3)
    return { ok: false, reason: 'the checkpoint line is missing' };
  const checkpoint = trailer as unknown as CheckpointFields & { type: string };
  if (checkpoint.fromHashes !== header.fromHashes || checkpoint.fromId !== header.fromId) {
    return { ok: false, reason: 'the checkpoint does not start where the header does' };
  }
  const digest = createHash('sha256');
  const prev = laneHashesOf(String(header.fromHashes));
  let lastId = Number(header.fromId);
  for (const line of lines.slice(1, -1)) {
    const event = parse(line);
    if (event?.type !== 'event') return { ok: false, reason: `after event #${lastId}: not an event line` };
    const { type: _type, ...row } = event as unknown as AuditRow & { type: string };
    if (row.prevHash !== (prev.get(row.lane) ?? GENESIS)) {
      return { ok: false, reason: `event #${row.id}: previous-hash link does not match` };
    }
    if (chainHash(row.prevHash, row) !== row.hash) {
      return { ok: false, reason: `event #${row.id}: event content does not match its hash` };
    }
    digest.update(`${line}\n`);
    prev.set(row.lane, row.hash);
    lastId = Number(row.id);
  }
  const count = lines.length - 2;
  const { type: _type, hash, ...fields } = checkpoint;
  if (
    fields.throughId !== lastId ||
    fields.lastHashes !== laneHashesJson(prev) ||
    fields.eventCount !== count ||
    fields.eventsSha256 !== digest.digest('hex') ||
    checkpointHash(fields) !== hash
  ) {
    return { ok: false, reason: 'the checkpoint does not match the events' };
  }
  const stored = await store.checkpointThrough(deps.db, lastId);
  return { ok: true, count, fromId: fields.fromId, throughId: lastId, recorded: stored?.hash === hash, hash };
}
