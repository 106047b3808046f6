import type { Ctx } from '../../db/context.js';
import type { Executor } from '../../db/db.js';
import { nowValue } from '../../db/time.js';
import { lockedAccounts } from '../throttle/index.js';
import type { TokenOwners } from '../tokens/index.js';
import { presentUser, type User } from './users.presenter.js';
import { normalizeEmail, requireUser, withLock } from './users.shared.js';
import * as store from './users.store.js';

export async function getUser(ctx: Pick<Ctx, 'db' | 'clock'>, id: string): Promise<User> {
  const user = presentUser(await requireUser(ctx.db, id));
  return withLock(user, await lockedAccounts(ctx.db, [user.email], nowValue(ctx.db, ctx.clock)));
}

export async function findUserByEmail(ctx: Pick<Ctx, 'db'>, email: string): Promise<User | null> {
  const row = await store.findByEmail(ctx.db, normalizeEmail(email));
  return row ? presentUser(row) : null;
}

export async function anyUserExists(exec: Executor): Promise<boolean> {
  return store.anyUserExists(exec);
}

/** The users module's side of the tokens module's port: a token's owner, 404 user_not_found when unknown. */
export const tokenOwners: TokenOwners = { owner: getUser };
