import type { Ctx } from '../../db/context.js';
import type { RepeatedEvents } from '../audit/index.js';
import type { PasswordHasher } from '../passwords/index.js';
import type { UsersConfig } from '../users/index.js';

/** The environment invitations read; `membersMayInvite`, session and link lifetimes are settings in force. */
export type InvitationsConfig = UsersConfig;

/** What invitations' use cases receive (docs/adr/0007-service-context.md). */
export interface InvitationsCtx extends Ctx<InvitationsConfig> {
  hasher: PasswordHasher;
  /** Where refusals go: counted per window (the server), or one event each (the CLI). */
  auditRepeats?: Pick<RepeatedEvents, 'record'>;
}
