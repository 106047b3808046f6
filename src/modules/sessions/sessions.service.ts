import type { Db, Executor } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { newId, randomSecret, sha256Hex } from '../../shared/crypto.js';
import * as store from './sessions.store.js';

export interface SessionsDeps {
  db: Db;
  clock: Clock;
  config: { session: { idleMs: number; absoluteMs: number } };
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
  deps: Pick<SessionsDeps, 'clock' | 'config'>,
  input: { userId: string; ip: string | null; userAgent: string | null },
): Promise<{ secret: string; sessionId: string }> {
  const now = deps.clock.now();
  const secret = randomSecret(32);
  const sessionId = newId();
  await store.insertSession(exec, {
    id: sessionId,
    tokenHash: sha256Hex(secret),
    userId: input.userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + deps.config.session.absoluteMs,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
  });
  return { secret, sessionId };
}

/** Idle and absolute expiry are enforced here, on the server, at every request (SEC-SES-05). */
export async function validateSession(deps: SessionsDeps, secret: string): Promise<ValidSession | null> {
  if (secret.length === 0 || secret.length > 128) return null;
  const row = await store.findByTokenHash(deps.db, sha256Hex(secret));
  if (!row) return null;
  const now = deps.clock.now();
  if (now >= row.expiresAt || now - row.lastSeenAt >= deps.config.session.idleMs) {
    await store.deleteById(deps.db, row.id);
    return null;
  }
  if (now - row.lastSeenAt >= TOUCH_INTERVAL_MS) await store.touch(deps.db, row.id, now);
  return { sessionId: row.id, userId: row.userId };
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
  const now = deps.clock.now();
  const rows = await store.listForUser(deps.db, userId, now - deps.config.session.idleMs, now);
  return rows.map((r) => ({
    id: r.id,
    createdAt: new Date(r.createdAt).toISOString(),
    lastSeenAt: new Date(r.lastSeenAt).toISOString(),
    expiresAt: new Date(Math.min(r.expiresAt, r.lastSeenAt + deps.config.session.idleMs)).toISOString(),
    ip: r.ip,
    userAgent: r.userAgent,
    current: r.id === currentSessionId,
  }));
}

export async function purgeExpiredSessions(deps: SessionsDeps): Promise<number> {
  const now = deps.clock.now();
  return store.deleteExpired(deps.db, now - deps.config.session.idleMs, now);
}
