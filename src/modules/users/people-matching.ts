import { userIdsMatching } from './people-matching.store.js';

/**
 * The users module's side of the audit module's PeopleMatching port: the audit filters match partial
 * names, which only the users table knows (events store the email at the time as their label).
 */
export const peopleMatching = { idsMatching: userIdsMatching };
