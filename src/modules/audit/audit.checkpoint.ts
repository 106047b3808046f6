import { sha256Hex } from '../../shared/crypto.js';
import type { CheckpointRow } from './audit.store.js';

/** Covers every field of an archive checkpoint but its id, and links it to the previous one (ADR 0004). */
export function checkpointHash(c: Omit<CheckpointRow, 'id' | 'hash'>): string {
  return sha256Hex(
    JSON.stringify([
      c.prevCheckpointHash,
      c.createdAt,
      c.fromId,
      c.fromHash,
      c.throughId,
      c.lastHash,
      c.eventCount,
      c.eventsSha256,
    ]),
  );
}
