import type { InvitationsCtx } from '../invitations/index.js';
import type { UsersCtx } from '../users/index.js';

/** Each user's two-step verification summary (counts only), from the mfa module (wired in build-app). */
export type PeopleMfaSummaries = (
  userIds: readonly string[],
) => Promise<
  Map<string, { enabled: boolean; totp: number; passkeys: number; recoveryCodesRemaining: number }>
>;

/** What the people use cases receive: both modules' contexts (they share db, clock and config). */
export type PeopleCtx = UsersCtx & InvitationsCtx & { mfaSummaries?: PeopleMfaSummaries };
