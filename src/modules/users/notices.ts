import type { Executor } from '../../db/db.js';
import type { User } from './users.presenter.js';

export type NoticeKind =
  'admin_password_reset' | 'password_changed' | 'password_reset_completed' | 'role_changed' | 'deactivated';

export interface AccountNotice {
  kind: NoticeKind;
  user: User;
  details?: Record<string, string>;
}

/**
 * The one place where account changes tell the user by email (SEC-NOT-01, SEC-TMP-04).
 * It runs inside the change's transaction so the message is queued only if the change commits.
 * The mail module provides the implementation that writes to the outbox; until it is wired in,
 * `silentNotices` drops them. Never put a secret in a notice.
 */
export interface NoticeSender {
  send(exec: Executor, notice: AccountNotice): Promise<void>;
}

export const silentNotices: NoticeSender = { send: () => Promise.resolve() };
