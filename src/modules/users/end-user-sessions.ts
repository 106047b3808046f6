import type { Ctx } from '../../db/context.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { endAllSessions } from '../sessions/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import { requireUser, target } from './users.shared.js';

/**
 * Sign out everywhere: what an admin does about a stolen account, so it ends every way in, the API
 * tokens as well as the sessions (SEC-SES-06, SEC-TOK-01); a token left alive would keep the thief in.
 */
export async function endUserSessions(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  actor: ActorContext,
  id: string,
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    const sessionsEnded = await endAllSessions(trx, id);
    const tokensRevoked = await revokeAllTokens(trx, id);
    await recordAuditEvent(trx, ctx.clock, actor, {
      action: 'user.sessions_revoked',
      target: target(user),
      details: { sessionsEnded, tokensRevoked },
    });
    return { sessionsEnded, tokensRevoked };
  });
}
