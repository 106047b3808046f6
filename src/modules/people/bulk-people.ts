import { commonErrors } from '../../shared/common.errors.js';
import type { ActorContext } from '../../shared/context.js';
import { isAppError } from '../../shared/errors.js';
import { invitationErrors, resendInvitation, revokeInvitation } from '../invitations/index.js';
import { setUserStatus, updateUser, userErrors, type Role } from '../users/index.js';
import type { PeopleCtx } from './people.context.js';
import { peopleErrors } from './people.errors.js';
import * as store from './people.store.js';

/** One request changes at most this many people: a page of the list is 25 to 100, a selection spans pages. */
export const MAX_BULK_PEOPLE = 500;

export type BulkAction =
  | { action: 'resend'; ids: string[] }
  | { action: 'revoke'; ids: string[] }
  | { action: 'deactivate'; ids: string[] }
  | { action: 'role'; role: Role; ids: string[] };

export interface BulkOutcome {
  succeeded: string[];
  refused: { id: string; code: string; message: string }[];
}

/**
 * Manage users' bulk actions. Each item goes through the same use case as its single action (its own
 * transaction, its audit event and notice), so one refusal (the last admin, yourself, an invitation
 * accepted meanwhile) rolls back that item alone and is reported with its code; the others proceed.
 * The whole request is checked first: a bad one changes nothing.
 *
 * `recentlyAuthenticated`: the session's last authentication is within the step-up window; an action
 * on another admin needs it, as the single routes do (SEC-MFA-07), so without it that item is refused.
 */
export async function bulkPeople(
  ctx: PeopleCtx,
  actor: ActorContext,
  input: BulkAction,
  recentlyAuthenticated: boolean,
): Promise<BulkOutcome> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) throw peopleErrors.ids_empty();
  if (ids.length > MAX_BULK_PEOPLE) throw peopleErrors.ids_too_many();
  const kinds = await store.kindsOf(ctx.db, ids);
  const forUsers = input.action === 'role' || input.action === 'deactivate';
  const outcome: BulkOutcome = { succeeded: [], refused: [] };
  for (const id of ids) {
    try {
      const found = kinds.get(id);
      if (!found) throw forUsers ? userErrors.user_not_found() : invitationErrors.invitation_not_found();
      if (found.kind !== (forUsers ? 'user' : 'invitation')) throw peopleErrors.wrong_kind();
      if (forUsers && found.role === 'admin' && id !== actor.actorId && !recentlyAuthenticated)
        throw commonErrors.reauthentication_required();
      switch (input.action) {
        case 'resend':
          await resendInvitation(ctx, actor, id);
          break;
        case 'revoke':
          await revokeInvitation(ctx, actor, id);
          break;
        case 'deactivate':
          await setUserStatus(ctx, actor, id, 'deactivated');
          break;
        case 'role':
          await updateUser(ctx, actor, id, { role: input.role });
          break;
      }
      outcome.succeeded.push(id);
    } catch (error) {
      // A refusal is the item's answer; anything else (the database gone) fails the request.
      if (!isAppError(error) || error.status >= 500) throw error;
      outcome.refused.push({ id, code: error.code, message: error.message });
    }
  }
  return outcome;
}
