import type { Ctx } from '../../db/context.js';
import { dbNow } from '../../db/time.js';
import { presentUser, type User } from './users.presenter.js';
import { requireUser } from './users.shared.js';
import * as store from './users.store.js';

/** The user's own language for mail and the console; null follows the organization default. */
export async function setUserLocale(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  id: string,
  locale: string | null,
): Promise<User> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await requireUser(trx, id);
    const now = await dbNow(trx, ctx.clock);
    await store.update(trx, id, { locale, updatedAt: now });
    return presentUser({ ...before, locale, updatedAt: now });
  });
}
