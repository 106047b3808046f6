import type { SettingsReader } from '../../config/settings-in-force.js';
import type { Db, Executor } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import { newId, randomSecret, sha256Hex } from '../../shared/crypto.js';
import * as store from './sessions.store.js';
import type { SessionRestriction } from './sessions.table.js';

export interface SessionsDeps {
  db: Db;
  clock: Clock;
  /** Where the session lifetimes in force are read (settings may change them at run time). */
  settings: SettingsReader;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface ValidSession {
  sessionId: string;
  userId: string;
}

/** Writing last-seen on every request would make every read a write; a minute's precision is enough for idle expiry. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Starts a session inside the caller's transaction and returns the secret for the cookie.
 * Only its SHA-256 is stored (SEC-SES-01); the id is always new, so a planted cookie is never adopted (SEC-SES-03).
 */
export async function startSession(
  exec: Executor,
  deps: Pick<SessionsDeps, 'clock' | 'settings'>,
  input: NewSession,
): Promise<{ secret: string; sessionId: string }> {
  const { secret, row } = newSessionRow(deps, input, await dbNow(exec, deps.clock));
  await store.insertSession(exec, row);
  return { secret, sessionId: row.id };
}

/**
 * Ends a session and starts its successor in one statement, in the caller's transaction: the row
 * gets a new id, a new secret and new times (SEC-SES-03, as startSession), so the old cookie is dead.
 * Null when the old session no longer exists (ended or expired meanwhile): nothing is started.
 */
export async function replaceSession(
  exec: Executor,
  deps: Pick<SessionsDeps, 'clock' | 'settings'>,
  oldSessionId: string,
  input: NewSession,
): Promise<{ secret: string; sessionId: string } | null> {
  const { secret, row } = newSessionRow(deps, input, await dbNow(exec, deps.clock));
  return (await store.replaceSession(exec, oldSessionId, row)) ? { secret, sessionId: row.id } : null;
}

export interface NewSession {
  userId: string;
  ip: string | null;
  userAgent: string | null;
  /** A restricted session (SEC-MFA-05): only the second step or the enrollment is open to it. */
  restriction?: SessionRestriction | null;
  /** A shorter life than the absolute timeout (a pending second step lives minutes, not hours). */
  lifetimeMs?: number;
}

function newSessionRow(deps: Pick<SessionsDeps, 'settings'>, input: NewSession, now: number) {
  const secret = randomSecret(32);
  return {
    secret,
    row: {
      id: newId(),
      tokenHash: sha256Hex(secret),
      userId: input.userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + Math.min(input.lifetimeMs ?? Infinity, deps.settings.current().session.absoluteMs),
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      restriction: input.restriction ?? null,
      authenticatedAt: now,
    },
  };
}

/** Idle and absolute expiry are enforced here, on the server, at every request (SEC-SES-05). */
export async function validateSession(deps: SessionsDeps, secret: string): Promise<ValidSession | null> {
  const tokenHash = sessionLookupHash(secret);
  if (!tokenHash) return null;
  const row = await store.findByTokenHash(deps.db, tokenHash);
  if (!row || !(await keepSessionAlive(deps, row, await dbNow(deps.db, deps.clock)))) return null;
  return { sessionId: row.id, userId: row.userId };
}

/** What a session is looked up by (the SHA-256 of its secret), or null for a secret no session can have. */
export function sessionLookupHash(secret: string): string | null {
  return secret.length === 0 || secret.length > 128 ? null : sha256Hex(secret);
}

/**
 * The expiry rules for a session already read (by validateSession, or by the request guard's one
 * query, docs/adr/0003): an idle or expired session is deleted and false returned (SEC-SES-05);
 * a live one has its last-seen time written at most once a minute.
 */
export async function keepSessionAlive(
  deps: Pick<SessionsDeps, 'db' | 'settings'>,
  session: { id: string; lastSeenAt: number; expiresAt: number },
  /** The database's time, read with the session (SEC-BF-06): every node decides alike. */
  now: number,
): Promise<boolean> {
  if (now >= session.expiresAt || now - session.lastSeenAt >= deps.settings.current().session.idleMs) {
    await store.deleteById(deps.db, session.id);
    return false;
  }
  if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) await store.touch(deps.db, session.id, now);
  return true;
}

export async function endSession(exec: Executor, sessionId: string): Promise<void> {
  await store.deleteById(exec, sessionId);
}

/** Ends every session of a user, in the caller's transaction (deactivation, resets, password changes). */
export async function endAllSessions(
  exec: Executor,
  userId: string,
  keepSessionId?: string,
): Promise<number> {
  return store.deleteForUser(exec, userId, keepSessionId);
}

export async function endOwnSession(exec: Executor, userId: string, sessionId: string): Promise<boolean> {
  return store.deleteOneForUser(exec, userId, sessionId);
}

export async function listSessions(
  deps: SessionsDeps,
  userId: string,
  currentSessionId: string | null,
): Promise<SessionInfo[]> {
  const { idleMs } = deps.settings.current().session;
  const now = await dbNow(deps.db, deps.clock);
  const rows = await store.listForUser(deps.db, userId, now - idleMs, now);
  return rows.map((r) => ({
    id: r.id,
    createdAt: new Date(r.createdAt).toISOString(),
    lastSeenAt: new Date(r.lastSeenAt).toISOString(),
    expiresAt: new Date(Math.min(r.expiresAt, r.lastSeenAt + idleMs)).toISOString(),
    ip: r.ip,
    userAgent: r.userAgent,
    current: r.id === currentSessionId,
  }));
}

export async function purgeExpiredSessions(deps: SessionsDeps): Promise<number> {
  const now = await dbNow(deps.db, deps.clock);
  return store.deleteExpired(deps.db, now - deps.settings.current().session.idleMs, now);
}

/** Records that the session's user just proved who they are again (step-up, SEC-MFA-07). */
export async function markAuthenticated(exec: Executor, sessionId: string, at: number): Promise<void> {
  await store.setAuthenticatedAt(exec, sessionId, at);
}

/** Lifts a session's restriction once the required factor is set up (the enrollment ends in a full session). */
export async function liftRestriction(exec: Executor, sessionId: string): Promise<void> {
  await store.setRestriction(exec, sessionId, null);
}
