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
}
