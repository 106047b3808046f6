import type { SettingsReader } from '../../config/settings-in-force.js';
import type { Db } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import * as users from '../users/index.js';
import { invitationErrors } from './invitations.errors.js';
import * as store from './invitations.store.js';

export interface InvitationLinksDeps {
  db: Db;
  clock: Clock;
  config: { publicUrl: string };
  settings: SettingsReader;
}

export interface InvitationLink {
  id: string;
  email: string;
  name: string | null;
  link: string;
  expiresAt: string;
}

/** At most this many links per call: the Invite dialog's batch, or a page of the list. */
export const MAX_LINKS = 1000;

/**
 * "Copy link" for pending invitations (issue 14, item 1): when mail goes only to the server log, the
 * admin hands the link over themselves. The secret is stored only as SHA-256 (SEC-RST-02), so a link
 * can be shown only by issuing a new one: each invitation gets a new secret and a fresh 72 h, the link
 * is returned this once, and the link mailed earlier stops working. Audited per invitation; an
 * invitation that is not pending, or whose address became a user, is skipped with its reason.
 */
export async function issueInvitationLinks(
  deps: InvitationLinksDeps,
  actor: ActorContext,
  ids: string[],
): Promise<{ links: InvitationLink[]; skipped: Array<{ id: string; code: string }> }> {
  return deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    const links: InvitationLink[] = [];
    const skipped: Array<{ id: string; code: string }> = [];
    for (const id of [...new Set(ids)]) {
      const row = await store.findById(trx, id);
      if (!row) {
        skipped.push({ id, code: 'invitation_not_found' });
        continue;
      }
      if (row.status !== 'pending') {
        skipped.push({ id, code: 'invitation_not_pending' });
        continue;
      }
      if (await users.findUserByEmail({ db: trx }, row.email)) {
        skipped.push({ id, code: 'email_taken' });
        continue;
      }
      const secret = randomSecret(32);
      const expiresAt = now + deps.settings.current().links.invitationMs;
      if (!(await store.rotateToken(trx, id, sha256Hex(secret), expiresAt))) {
        skipped.push({ id, code: 'invitation_not_pending' });
        continue;
      }
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'invitation.link_copied',
        target: { id: row.id, label: row.email },
        details: { invitationId: row.id },
      });
      links.push({
        id,
        email: row.email,
        name: row.name,
        link: `${deps.config.publicUrl}/invitations/accept?token=${secret}`,
        expiresAt: new Date(expiresAt).toISOString(),
      });
    }
    if (ids.length === 1 && links.length === 0) {
      const code = skipped[0]?.code;
      throw code === 'email_taken'
        ? invitationErrors.email_taken()
        : code === 'invitation_not_found'
          ? invitationErrors.invitation_not_found()
          : invitationErrors.invitation_not_pending();
    }
    return { links, skipped };
  });
}
