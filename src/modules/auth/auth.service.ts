import { dbNow } from '../../db/time.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { commonErrors } from '../../shared/common.errors.js';
import { randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent, recordStandaloneEvent } from '../audit/index.js';
import { invalidateResetTokens, passwordErrors, type PasswordHasher } from '../passwords/index.js';
import { endAllSessions, endOwnSession, endSession, startSession } from '../sessions/index.js';
import { revokeAllTokens } from '../tokens/index.js';
import * as users from '../users/index.js';
import { authErrors } from './auth.errors.js';
import * as store from './auth.store.js';

export interface AuthDeps extends users.UsersDeps {
  db: Db;
  clock: Clock;
  hasher: PasswordHasher;
  config: users.UsersDeps['config'] & {
    publicUrl: string;
    session: { idleMs: number; absoluteMs: number };
    /** Per-IP limits key IPv6 clients on this prefix (SEC-BF-04). */
    ipv6RateLimitPrefix: number;
  };
}

export interface SignedIn {
  user: users.User;
  passwordChangeRequired: boolean;
  /** The new session's secret, for the cookie only. */
  sessionSecret: string;
}

export async function signOut(deps: AuthDeps, actor: ActorContext, sessionId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await endSession(trx, sessionId);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'auth.sign_out',
      target: { id: actor.actorId, label: actor.actorLabel },
    });
  });
}

/**
 * Changing one's own password needs the current one (SEC-PW-07). It ends every other session and
 * replaces the current one with a fresh id, since the session's rights change (temporary → full).
 * It revokes every API token too: a password change is what people do when they fear a thief, and a
 * token made by the thief must not survive it (SEC-SES-06, SEC-TOK-01).
 */
export async function changeOwnPassword(
  deps: AuthDeps,
  actor: ActorContext & { actorId: string },
  input: { currentPassword: string; newPassword: string },
): Promise<{ sessionSecret: string }> {
  const found = await users.findCredentialsById(deps.db, actor.actorId);
  if (!found) throw commonErrors.unauthenticated();
  const currentOk = await deps.hasher.verify(found.passwordHash, input.currentPassword);
  if (!currentOk) {
    await recordStandaloneEvent(deps, actor, {
      action: 'user.password_changed',
      outcome: 'failure',
      target: { id: found.user.id, label: found.user.email },
      details: { reason: 'current_password_incorrect' },
    });
    throw authErrors.current_password_incorrect();
  }
  users.choosePassword(deps, { password: input.newPassword }, found.user);
  // The new password must differ from the current (possibly temporary) one (SEC-TMP-02).
  if (await deps.hasher.verify(found.passwordHash, input.newPassword)) throw passwordErrors.password_reused();
  const passwordHash = await deps.hasher.hash(input.newPassword);
  return deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    await users.replaceOwnPassword(trx, found.user.id, passwordHash, now);
    await invalidateResetTokens(trx, found.user.id);
    const sessionsEnded = await endAllSessions(trx, found.user.id);
    const tokensRevoked = await revokeAllTokens(trx, found.user.id);
    const session = await startSession(trx, deps, {
      userId: found.user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'user.password_changed',
      target: { id: found.user.id, label: found.user.email },
      details: { wasTemporary: found.temporary, sessionsEnded, tokensRevoked },
    });
    await deps.notices.send(trx, {
      kind: 'password_changed',
      user: { ...found.user, passwordChangeRequired: false },
    });
    return { sessionSecret: session.secret };
  });
}

/** At start with no users: a one-time setup link (valid until used), built from PUBLIC_URL. */
export async function issueSetupLink(
  deps: Pick<AuthDeps, 'db' | 'clock'> & { config: { publicUrl: string } },
): Promise<string | null> {
  if (await users.anyUserExists(deps.db)) return null;
  const secret = randomSecret(32);
  await store.insertSetupToken(deps.db, sha256Hex(secret), await dbNow(deps.db, deps.clock));
  return `${deps.config.publicUrl}/setup?token=${secret}`;
}

/** Creates the first admin, once: afterwards the route answers 404 forever. */
export async function completeSetup(
  deps: AuthDeps,
  actor: ActorContext,
  input: { token: string; email: string; name: string; password: string },
): Promise<SignedIn> {
  if (await users.anyUserExists(deps.db)) throw commonErrors.not_found();
  const email = users.normalizeEmail(input.email);
  users.choosePassword(deps, { password: input.password }, { email, name: input.name });
  const passwordHash = await deps.hasher.hash(input.password);
  const tokenHash = sha256Hex(input.token);
  const setupActor = { ...actor, actorLabel: 'setup' };
  return deps.db.transaction().execute(async (trx) => {
    if (await users.anyUserExists(trx)) throw commonErrors.not_found();
    if (!(await store.setupTokenExists(trx, tokenHash))) throw authErrors.invalid_token();
    if ((await store.consumeAllSetupTokens(trx)) === 0) throw commonErrors.not_found();
    const user = await users.insertUser(trx, deps, setupActor, {
      email,
      name: input.name,
      role: 'admin',
      passwordHash,
      temporary: false,
    });
    const session = await startSession(trx, deps, {
      userId: user.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    await recordAuditEvent(trx, deps.clock, setupActor, {
      action: 'setup.completed',
      target: { id: user.id, label: user.email },
    });
    return { user, passwordChangeRequired: false, sessionSecret: session.secret };
  });
}

/** Ends one of the caller's own sessions; someone else's session id is simply not found (SEC-AZ-02). */
export async function endMySession(
  deps: AuthDeps,
  actor: ActorContext & { actorId: string },
  sessionId: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await endOwnSession(trx, actor.actorId, sessionId))) throw commonErrors.not_found();
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'session.revoked',
      target: { id: actor.actorId, label: actor.actorLabel },
      details: { sessionId },
    });
  });
}

/** The signed-in user's own preferences; only the language for now (SEC-AZ-03: nothing else is accepted). */
export async function updateMyProfile(
  deps: AuthDeps,
  actor: ActorContext & { actorId: string },
  input: { locale: 'en' | 'fr' | null },
): Promise<users.User> {
  return users.setUserLocale(deps, actor.actorId, input.locale);
}
