import type Provider from 'oidc-provider';
import type { Db } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Where the interaction keeps the moment the app's `prompt=login` request reached Gatehouse. */
const SINCE = 'gatehouseSignInSince';

/**
 * OIDC Core 3.1.2.1, `prompt=login` and `max_age`: the app wants credentials presented now, or
 * within `max_age` seconds, not a sign-in of last week that the Gatehouse session still carries.
 *
 * - `prompt=login` (and `max_age=0`, which the provider turns into it): the session must have
 *   authenticated at or after the moment this request first reached the interaction. That moment is
 *   written into the interaction (server side, in the database) at its first visit, before any
 *   sign-in page, so a user who had no session signs in once, not twice.
 * - `max_age=N`: the session's last authentication must be at most N seconds old.
 *
 * "Authenticated" is the session's `authenticatedAt`: a sign-in (with its second step) or a
 * re-authentication (POST /api/v1/auth/reauthenticate, which the console's page for this calls).
 * Both times are the database's (SEC-BF-06), as the session's own are.
 */
export async function freshSignInSince(deps: { db: Db; clock: Clock }, interaction: Interaction) {
  const prompts = String(interaction.params.prompt ?? '').split(' ');
  if (!prompts.includes('login')) return null;
  const result = (interaction.result ?? {}) as Record<string, unknown>;
  const recorded = result[SINCE];
  if (typeof recorded === 'number') return recorded;
  const since = await dbNow(deps.db, deps.clock);
  interaction.result = { ...result, [SINCE]: since };
  await interaction.persist();
  return since;
}

export function freshSignInNeeded(
  interaction: Interaction,
  since: number | null,
  session: { authenticatedAt: number; now: number },
): boolean {
  if (since !== null && session.authenticatedAt < since) return true;
  const maxAge = interaction.params.max_age;
  if (maxAge === undefined || maxAge === null || maxAge === '') return false;
  return session.now - session.authenticatedAt > Number(maxAge) * 1000;
}
