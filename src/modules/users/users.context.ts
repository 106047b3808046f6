import type { Ctx } from '../../db/context.js';
import type { MailConfig } from '../mail/index.js';
import type { PasswordHasher, PolicyConfig } from '../passwords/index.js';
import type { InvitationsOfInviter } from './inviter-changes.js';

/** The configuration the users module reads: the password policy, mail, the temporary-password lifetime. */
export interface UsersConfig extends PolicyConfig, MailConfig {
  temporaryPasswordMs: number;
  /** Organization setting, read live; the invitations port needs it when a role changes. */
  membersMayInvite?: boolean;
}

/** What users' use cases receive (docs/adr/0007-service-context.md). */
export interface UsersCtx extends Ctx<UsersConfig> {
  hasher: PasswordHasher;
  /** Revokes a deactivated or demoted user's invitations they could no longer make (the invitations module's). */
  invitationsOfInviter?: InvitationsOfInviter;
}
