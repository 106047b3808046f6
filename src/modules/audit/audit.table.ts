import type { Generated } from 'kysely';

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  actorId: string | null;
  /** What to show for the actor: an email, "cli", or "anonymous". Kept even if the user row changes. */
  actorLabel: string;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** JSON object with action-specific facts (e.g. role change old → new). Never a secret. */
  details: string;
  prevHash: string;
  hash: string;
  /** Which hash chain the event is on: it links to the previous event of its lane (ADR 0006). */
  lane: Generated<number>;
}

/**
 * One archive of the oldest events (`gatehouse audit archive`): the events after `fromId` up to
 * `throughId` were written to a file and removed from audit_events. Each lane of the events that
 * remain continues from its `lastHashes` entry; checkpoints chain to each other by `hash`. Append-only.
 */
export interface AuditCheckpointsTable {
  id: Generated<number>;
  createdAt: number;
  /** The last event id of the previous checkpoint (0 for the first). */
  fromId: number;
  /** JSON {lane: hash}: what the archived events link to (the previous checkpoint's lastHashes; {} at first). */
  fromHashes: string;
  throughId: number;
  /** JSON {lane: hash}: the hash each lane continues from (its last archived event, or as before). */
  lastHashes: string;
  eventCount: number;
  /** SHA-256 of the archive file's event lines, so a file can be matched to its checkpoint. */
  eventsSha256: string;
  prevCheckpointHash: string;
  hash: string;
}
