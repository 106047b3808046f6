import type { TxCtx } from '../../db/context.js';
import { enqueue, type MailConfig } from '../mail/index.js';
import type { InvitationRow } from './invitations.store.js';

/**
 * An invitation link lives 72 hours by default (SEC-RST-03); INVITATION_LINK_HOURS or Settings change
 * it for new links (`settings.current().links.invitationMs`).
 */
export const INVITATION_LIFETIME_MS = 72 * 3_600_000;

function linkFor(config: { publicUrl: string }, secret: string): string {
  // Built from PUBLIC_URL only, never from the request's Host (SEC-RST-07).
  return `${config.publicUrl}/invitations/accept?token=${secret}`;
}

/** The invitation mail, in the caller's transaction; the inviter's note only in the first one. */
export async function queueInvitationMail(
  tx: TxCtx<MailConfig>,
  row: InvitationRow,
  secret: string,
  message?: string,
): Promise<void> {
  await enqueue(tx, {
    template: 'invitation',
    to: row.email,
    locale: null,
    recipientName: row.name ?? undefined,
    vars: {
      link: linkFor(tx.config, secret),
      inviter: row.inviterName,
      role: row.role,
      hours: String(tx.settings.current().links.invitationMs / 3_600_000),
      ...(message ? { message } : {}),
    },
  });
}
