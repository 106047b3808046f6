import type { Executor } from '../../db/db.js';

/**
 * Deleting a user erases their personal data (issue 14): the outbox rows addressed to them hold
 * their address, and unsent ones their name and the message text. Removed in the deletion's
 * transaction; a dispatcher holding one of them finds nothing to mark when it finishes.
 */
export async function eraseMailTo(exec: Executor, address: string): Promise<number> {
  const result = await exec.deleteFrom('mailOutbox').where('toAddress', '=', address).executeTakeFirst();
  return Number(result.numDeletedRows);
}
