import type { User } from '../users/index.js';

/** The configuration GET /api/v1/me reports from (read live: settings override the environment). */
export interface MeConfig {
  defaultLocale: string;
  password: { minLength: number; maxLength: number };
  membersMayInvite?: boolean | undefined;
}

/**
 * The signed-in user as the console needs them: GET /api/v1/me and the quiet probe answer alike.
 * `canInvite` follows the invitations module's rule (admins always, members while the organization
 * allows it, viewers never), so the console shows Invite exactly to those the server lets invite.
 */
export function meOf(user: User, config: MeConfig) {
  const role = user.role;
  return {
    user,
    passwordChangeRequired: user.passwordChangeRequired,
    passwordPolicy: { minLength: config.password.minLength, maxLength: config.password.maxLength },
    defaultLocale: config.defaultLocale,
    canInvite: role === 'admin' || (role === 'member' && config.membersMayInvite === true),
  };
}
