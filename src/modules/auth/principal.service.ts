import type { Db } from '../../db/db.js';
import { nowValue } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import {
  endSession,
  keepSessionAlive,
  sessionLookupHash,
  type SessionRestriction,
  type SessionsDeps,
} from '../sessions/index.js';
import { keepTokenInUse, tokenLookupHash } from '../tokens/index.js';
import { principalFromRow, type Principal } from '../users/index.js';
import * as store from './principal.store.js';

/** What the guard needs of the session beyond its user: its restriction and step-up age (SEC-MFA-05/07). */
export interface SessionState {
  restriction: SessionRestriction | null;
  /** When the user last proved who they are in this session (ms). */
  authenticatedAt: number;
  /** The database's time, read in the same query. */
  now: number;
}

export interface PrincipalDeps extends SessionsDeps {
  db: Db;
  clock: Clock;
}

/**
 * The user behind a session cookie's secret, read fresh at every request (SEC-SES-04/06), or null.
 * The session's expiry rules are the sessions module's (SEC-SES-05).
 */
export async function principalOfSession(
  deps: PrincipalDeps,
  secret: string,
): Promise<{ principal: Principal; sessionId: string; session: SessionState } | null> {
  const tokenHash = sessionLookupHash(secret);
  if (!tokenHash) return null;
  const [row] = await store.bySessionHash(deps.db, tokenHash, nowValue(deps.db, deps.clock));
  if (!row) return null;
  // The row is read field by field rather than split with `...rest`: copying the rest of a wide row
  // into a new object was the guard's largest own cost in a GET /me profile. presentUser picks its
  // fields by name, so the session's columns beside the user's never reach an answer.
  const { credentialId, sessionRestriction, sessionAuthenticatedAt, sessionCreatedAt, lockedUntil } = row;
  const user = row;
  const session = { id: credentialId, lastSeenAt: row.sessionLastSeenAt, expiresAt: row.sessionExpiresAt };
  const now = Number(row.dbNow);
  // A session opened with a temporary password lives no longer than that password (SEC-TMP-03): once
  // it expires, sign-in refuses it, so the restricted session it opened must not outlive it either.
  // Compared with the database's time, like every other expiry (SEC-BF-06).
  if (user.passwordTemporary === 1 && user.passwordExpiresAt !== null && user.passwordExpiresAt <= now) {
    await endSession(deps.db, credentialId);
    return null;
  }
  if (!(await keepSessionAlive(deps, session, now))) return null;
  return {
    principal: principalFromRow(user, lockedUntil),
    sessionId: credentialId,
    session: {
      restriction: sessionRestriction,
      authenticatedAt: Number(sessionAuthenticatedAt ?? sessionCreatedAt),
      now,
    },
  };
}

/** The user behind an API token (`Authorization: Bearer`), read fresh at every request, or null. */
export async function principalOfToken(
  deps: PrincipalDeps,
  token: string,
): Promise<{ principal: Principal; tokenId: string } | null> {
  const tokenHash = tokenLookupHash(token);
  if (!tokenHash) return null;
  const [row] = await store.byTokenHash(deps.db, tokenHash, nowValue(deps.db, deps.clock));
  if (!row) return null;
  // Field by field, as for a session (no `...rest` copy of the row).
  const credential = { id: row.credentialId, lastUsedAt: row.tokenLastUsedAt, expiresAt: row.tokenExpiresAt };
  const live = await keepTokenInUse(deps, credential, Number(row.dbNow));
  return live ? { principal: principalFromRow(row, row.lockedUntil), tokenId: row.credentialId } : null;
}
