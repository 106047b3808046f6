import type { LinkLifetimes } from '../../config/config.js';
import type { Ctx } from '../../db/context.js';
import type { RepeatedEvents } from '../audit/index.js';
import type { PasswordHasher } from '../passwords/index.js';
import type { UsersConfig } from '../users/index.js';

export interface InvitationsConfig extends UsersConfig {
  /** Organization setting, read live: members may invite (never as admin). */
  membersMayInvite: boolean;
  session: { idleMs: number; absoluteMs: number };
  /** How long a new invitation link works (a live setting, SEC-RST-03). */
  links: Pick<LinkLifetimes, 'invitationMs'>;
}

/** What invitations' use cases receive (docs/adr/0007-service-context.md). */
export interface InvitationsCtx extends Ctx<InvitationsConfig> {
  hasher: PasswordHasher;
  /** Where refusals go: counted per window (the server), or one event each (the CLI). */
  auditRepeats?: Pick<RepeatedEvents, 'record'>;
}
