import type { Executor } from '../../db/db.js';
import { randomSecret, sha256Hex } from '../../shared/crypto.js';
import type { ResetPurpose } from './reset-tokens.table.js';

/**
 * Password reset tokens (SEC-RST-01..06): 256 random bits, stored as SHA-256, one live token per
 * user (issuing a new one deletes the older ones), consumed by a DELETE so that of many concurrent
 * redemptions exactly one gets the row, on one node or many.
 */
export async function issueResetToken(
  exec: Executor,
  input: { userId: string; purpose: ResetPurpose; now: number; lifetimeMs: number },
): Promise<{ token: string; expiresAt: number }> {
  const token = randomSecret(32);
  const expiresAt = input.now + input.lifetimeMs;
  await exec.deleteFrom('passwordResetTokens').where('userId', '=', input.userId).execute();
  await exec
    .insertInto('passwordResetTokens')
    .values({
      tokenHash: sha256Hex(token),
      userId: input.userId,
      purpose: input.purpose,
      createdAt: input.now,
      expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

/** Looks a token up without consuming it (opening a link consumes nothing, SEC-RST-08). */
export async function peekResetToken(
  exec: Executor,
  token: string,
  now: number,
): Promise<{ userId: string } | null> {
  const row = await exec
    .selectFrom('passwordResetTokens')
    .select('userId')
    .where('tokenHash', '=', sha256Hex(token))
    .where('expiresAt', '>', now)
    .executeTakeFirst();
  return row ?? null;
}

/** Whether the user holds a reset link that still works (one sent earlier, by anyone). */
export async function hasOpenResetToken(exec: Executor, userId: string, now: number): Promise<boolean> {
  const row = await exec
    .selectFrom('passwordResetTokens')
    .select('userId')
    .where('userId', '=', userId)
    .where('expiresAt', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

/** Consumes a token; null when it is unknown, expired, or already used (one generic answer). */
export async function consumeResetToken(
  exec: Executor,
  token: string,
  now: number,
): Promise<{ userId: string; purpose: ResetPurpose } | null> {
  const row = await exec
    .deleteFrom('passwordResetTokens')
    .where('tokenHash', '=', sha256Hex(token))
    .returning(['userId', 'expiresAt', 'purpose'])
    .executeTakeFirst();
  if (!row || row.expiresAt <= now) return null;
  return { userId: row.userId, purpose: row.purpose };
}

/** Any password change or deactivation ends the user's open reset tokens (SEC-RST-06). */
export async function invalidateResetTokens(exec: Executor, userId: string): Promise<void> {
  await exec.deleteFrom('passwordResetTokens').where('userId', '=', userId).execute();
}
