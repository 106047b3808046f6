import type { Generated } from 'kysely';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

/**
 * Mail waiting to go out. Rows are written in the transaction of the change that causes them, so
 * a message exists exactly when its change committed. Once sent, the body is scrubbed, so links
 * with tokens do not linger in the database.
 */
export interface MailOutboxTable {
  id: string;
  createdAt: number;
  template: string;
  locale: string;
  toAddress: string;
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  nextAttemptAt: number;
  /** While 'sending': a claim by one dispatcher, reclaimed by others if it passes (crashed node). */
  lockedUntil: number | null;
  lastError: string | null;
  sentAt: number | null;
}
