import type { Ctx } from '../../db/context.js';
import type { MailConfig } from '../mail/index.js';
import type { PasswordHasher } from '../passwords/index.js';
import type { InvitationsOfInviter } from './inviter-changes.js';

/**
 * The environment the users module reads: mail's public URL. The password policy, the temporary
 * password's lifetime and `membersMayInvite` are settings in force (`ctx.settings.current()`).
 */
export type UsersConfig = MailConfig;

/** What users' use cases receive (docs/adr/0007-service-context.md). */
export interface UsersCtx extends Ctx<UsersConfig> {
  hasher: PasswordHasher;
  /** Revokes a deactivated or demoted user's invitations they could no longer make (the invitations module's). */
  invitationsOfInviter?: InvitationsOfInviter;
}
