import type { SettingsInForce } from '../../config/settings-in-force.js';
import type { User } from '../users/index.js';

/**
 * The signed-in user as the console needs them: GET /api/v1/me and the quiet probe answer alike.
 * `canInvite` follows the invitations module's rule (admins always, members while the organization
 * allows it, viewers never), so the console shows Invite exactly to those the server lets invite.
 */
export function meOf(user: User, settings: SettingsInForce) {
  const role = user.role;
  return {
    user,
    passwordChangeRequired: user.passwordChangeRequired,
    passwordPolicy: { minLength: settings.password.minLength, maxLength: settings.password.maxLength },
    defaultLocale: settings.defaultLocale,
    canInvite: role === 'admin' || (role === 'member' && settings.membersMayInvite),
  };
}
