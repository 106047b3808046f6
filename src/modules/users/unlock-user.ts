import type { Ctx } from '../../db/context.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { clearAccountThrottle } from '../throttle/index.js';
import { presentUser, type User } from './users.presenter.js';
import { requireUser, target } from './users.shared.js';

/** Lifts a sign-in lockout before it runs out (SEC-BF-03). */
export async function unlockUser(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  actor: ActorContext,
  id: string,
): Promise<User> {
  return ctx.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    await clearAccountThrottle(trx, user.email);
    await recordAuditEvent(trx, ctx.clock, actor, { action: 'user.unlocked', target: target(user) });
    return presentUser(user);
  });
}
