import type { Executor } from '../../db/db.js';
import type { FactorRow } from './mfa.store.js';

/** What a WebAuthn challenge is for: adding a passkey, a second step or step-up, a passkey-only sign-in. */
export type ChallengePurpose = 'register' | 'authenticate' | 'sign_in';

export async function insertChallenge(
  exec: Executor,
  row: {
    id: string;
    userId: string | null;
    binding: string;
    purpose: ChallengePurpose;
    challenge: string;
    expiresAt: number;
  },
  now: number,
): Promise<void> {
  // Expired challenges go as new ones come: the table holds only the last few minutes' worth.
  await exec.deleteFrom('mfaChallenges').where('expiresAt', '<=', now).execute();
  await exec
    .insertInto('mfaChallenges')
    .values({
      id: row.id,
      userId: row.userId,
      sessionId: row.binding,
      purpose: row.purpose,
      challenge: row.challenge,
      expiresAt: row.expiresAt,
    })
    .execute();
}

/**
 * Consumes a challenge in one conditional DELETE: only for its session (or sign-in cookie), its
 * purpose, before it expires, and once, whichever node gets the response (SEC-MFA-04).
 */
export async function consumeChallenge(
  exec: Executor,
  input: { binding: string; purpose: ChallengePurpose; challenge: string },
  now: number,
): Promise<boolean> {
  const result = await exec
    .deleteFrom('mfaChallenges')
    .where('challenge', '=', input.challenge)
    .where('sessionId', '=', input.binding)
    .where('purpose', '=', input.purpose)
    .where('expiresAt', '>', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function findPasskey(exec: Executor, credentialId: string): Promise<FactorRow | undefined> {
  return exec
    .selectFrom('mfaFactors')
    .selectAll()
    .where('credentialId', '=', credentialId)
    .where('kind', '=', 'passkey')
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/**
 * Records a use: the new signature counter only if it moved forward (or both are 0, as synced
 * passkeys report), in one conditional UPDATE, so two nodes cannot both accept one counter value.
 */
export async function recordPasskeyUse(
  exec: Executor,
  id: string,
  use: { previous: number; counter: number; backedUp: boolean; at: number },
): Promise<boolean> {
  const result = await exec
    .updateTable('mfaFactors')
    .set({ signCount: use.counter, backedUp: use.backedUp ? 1 : 0, lastUsedAt: use.at })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('signCount', '=', use.previous)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
