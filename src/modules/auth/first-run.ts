import type { Executor } from '../../db/db.js';
import { sha256Hex } from '../../shared/crypto.js';
import * as users from '../users/index.js';
import * as store from './auth.store.js';

/**
 * Whether first-run setup is still pending, remembered per node once it is not: users are never all
 * deleted (the last admin cannot be), so once one exists, setup stays done. A signed-out page asks
 * on every load; after setup that costs no query.
 */
export class SetupState {
  private done = false;

  async pending(exec: Executor): Promise<boolean> {
    if (this.done) return false;
    if (await users.anyUserExists(exec)) this.done = true;
    return !this.done;
  }
}

export type SetupLinkState = 'valid' | 'unknown' | 'absent';

/**
 * What the setup page needs before showing its form: whether setup is pending and whether the link's
 * token is one the server issued. After setup every token is gone, so any link is a used one. A token
 * has 256 bits (SEC-RST-01): telling whether one is known helps no one guess one.
 */
export async function setupStatus(
  exec: Executor,
  state: SetupState,
  token: string | undefined,
): Promise<{ pending: boolean; link: SetupLinkState }> {
  const pending = await state.pending(exec);
  if (!token) return { pending, link: 'absent' };
  if (!pending) return { pending, link: 'unknown' };
  return { pending, link: (await store.setupTokenExists(exec, sha256Hex(token))) ? 'valid' : 'unknown' };
}
