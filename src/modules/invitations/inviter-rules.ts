import type { SettingsReader } from '../../config/settings-in-force.js';
import type { Executor } from '../../db/db.js';
import * as users from '../users/index.js';
import { invitationErrors } from './invitations.errors.js';
import type { InvitationRow } from './invitations.store.js';

/** Who sends an invitation: a signed-in user, or the CLI (acting as an admin, under the organization's name). */
export interface Inviter {
  id: string | null;
  name: string;
  role: users.Role;
}

/** Admins may always invite; members only while the organization allows it, and never as admin; viewers never. */
export function refusal(
  ctx: { settings: SettingsReader },
  inviter: { role: users.Role },
  role: users.Role,
): string | null {
  if (inviter.role === 'viewer') return 'Viewers cannot invite people.';
  if (inviter.role === 'member' && !ctx.settings.current().membersMayInvite)
    return 'Only admins can invite people in this organization.';
  if (inviter.role === 'member' && role === 'admin') return 'Members cannot invite admins.';
  return null;
}

/** A refusal is an audited authorization failure (SEC-AUD-01). */
export const denied = (inviter: Inviter, role: users.Role) => ({
  action: 'authorization.denied',
  outcome: 'denied' as const,
  details: { action: 'invitation.create', inviterRole: inviter.role, role },
});

/**
 * An invitation carries its inviter's authority, so it is only as good as that authority is now
 * (SEC-AZ-01): a deactivated inviter, or one whose role (or the organization's settings) no longer
 * allows inviting to that role, makes the link unusable. The CLI's invitations (no inviter id)
 * stand for an admin. Deactivation and demotion also revoke such invitations (revokeInvitationsOf);
 * this check covers the rest, e.g. the setting turned off after members invited.
 */
export async function assertInviterMayStillGrant(
  exec: Executor,
  ctx: { settings: SettingsReader },
  row: InvitationRow,
): Promise<void> {
  if (row.inviterId === null) return;
  const inviter = await users.findCredentialsById(exec, row.inviterId);
  if (!inviter || inviter.status !== 'active' || refusal(ctx, inviter.user, row.role))
    throw invitationErrors.inviter_not_allowed();
}
