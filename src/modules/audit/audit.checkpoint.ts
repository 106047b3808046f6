import { sha256Hex } from '../../shared/crypto.js';
import type { Selectable } from 'kysely';
import type { AuditCheckpointsTable } from './audit.table.js';

type CheckpointRow = Selectable<AuditCheckpointsTable>;

/** Covers every field of an archive checkpoint but its id, and links it to the previous one (ADR 0006). */
export function checkpointHash(c: Omit<CheckpointRow, 'id' | 'hash'>): string {
  return sha256Hex(
    JSON.stringify([
      c.prevCheckpointHash,
      c.createdAt,
      c.fromId,
      c.fromHashes,
      c.throughId,
      c.lastHashes,
      c.eventCount,
      c.eventsSha256,
    ]),
  );
}

/** Lane → hash, as stored in a checkpoint: JSON with the lanes in order, so the same map is the same text. */
export function laneHashesJson(hashes: ReadonlyMap<number, string>): string {
  return JSON.stringify(Object.fromEntries([...hashes].sort(([a], [b]) => a - b)));
}

export function laneHashesOf(json: string): Map<number, string> {
  return new Map(
    Object.entries(JSON.parse(json) as Record<string, string>).map(([lane, hash]) => [Number(lane), hash]),
  );
}
