import type { Executor } from '../../db/db.js';
import type { PeopleMatch } from './audit.store.js';

/**
 * The users module's answer to "who is called or addressed like this?", for the audit filters'
 * partial names and emails. Audit is a leaf module, so it defines this port and `src/app` passes the
 * users module's implementation (`peopleMatching`).
 */
export interface PeopleMatching {
  /** Ids of at most `limit` users whose name or email contains `text`, case-insensitively. */
  idsMatching(exec: Executor, text: string, limit: number): Promise<string[]>;
}

/** Enough for any name a person types; a text matching more people is mostly matched by label anyway. */
export const MATCHED_PEOPLE_LIMIT = 500;

/** A typed filter text with the ids of the people it names now (none without the port). */
export async function peopleMatch(
  exec: Executor,
  people: PeopleMatching | undefined,
  text: string | undefined,
): Promise<PeopleMatch | undefined> {
  const trimmed = text?.trim().toLowerCase();
  if (!trimmed) return undefined;
  const ids = people ? await people.idsMatching(exec, trimmed, MATCHED_PEOPLE_LIMIT) : [];
  return { text: trimmed, ids };
}
