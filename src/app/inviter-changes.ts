import { revokeInvitationsOf } from '../modules/invitations/index.js';
import type { InvitationsOfInviter } from '../modules/users/index.js';
import type { Clock } from '../shared/clock.js';

/** Deactivating or demoting a user revokes the invitations they could no longer make (users → invitations). */
export function inviterChanges(clock: Clock, config: { membersMayInvite: boolean }): InvitationsOfInviter {
  return {
    revokeNoLongerAllowed: (exec, actor, inviter) =>
      revokeInvitationsOf(exec, { clock, config }, actor, inviter),
  };
}
