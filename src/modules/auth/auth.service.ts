import { dbNow } from '../../db/time.js';
import { inTx, type Ctx } from '../../db/context.js';
import type { ActorContext, Credential } from '../../shared/context.js';
import { commonErrors } from '../../shared/common.errors.js';
import { randomSecret, sha256Hex } from '../../shared/crypto.js';
import { recordAuditEvent, recordStandaloneEvent } from '../audit/index.js';
import { enqueue, recipientOf } from '../mail/index.js';
import {
  choosePassword,
  hashCallerOf,
  invalidateResetTokens,
  passwordErrors,
  type HashCaller,
  type PasswordHasher,
} from '../passwords/index.js';
import { endAllSessions, endOwnSession, endSession, startSession } from '../sessions/index.js';
import { hitRateLimit, RATE_LIMITS, releaseRateLimit, type RateVerdict } from '../throttle/index.js';
import { endOwnToken, revokeAllTokens } from '../tokens/index.js';
import type * as mfa from '../mfa/index.js';
import * as users from '../users/index.js';
import type { UsersConfig } from '../users/index.js';
import { authErrors } from './auth.errors.js';
import * as store from './auth.store.js';

export interface AuthConfig extends UsersConfig {
  /** Per-IP limits key IPv6 clients on this prefix (SEC-BF-04). */
  ipv6RateLimitPrefix: number;
}

/** What auth's use cases receive (docs/adr/0007-service-context.md). */
export interface AuthCtx extends Ctx<AuthConfig> {
  hasher: PasswordHasher;
  /** Opens TOTP seeds for the second step and the step-up (absent where only passwords are checked). */
  secrets?: mfa.MfaDeps['secrets'];
}

export interface SignedIn {
  user: users.User;
  passwordChangeRequired: boolean;
  /** The new session's secret, for the cookie only. */
  sessionSecret: string;
  /** The role requires a factor the user has not set up: the session is for that only (SEC-MFA-05). */
  mfaEnrollmentRequired?: true;
}

/** The password was right and a second step is due: the session is pending (SEC-MFA-05). */
export interface PendingSecondStep {
  mfaRequired: true;
  methods: mfa.SecondStepMethod[];
  sessionSecret: string;
}

export async function signOut(deps: AuthCtx, actor: ActorContext, sessionId: string): Promise<void> {
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
 *
 * Wrong current passwords are limited per user and per session or token (5 in 15 minutes each), so
 * a stolen session or token cannot guess the password at hashing speed: the attempt that reaches a
 * limit ends the credential that made it (→ 429 with Retry-After), and while the user's limit is
 * reached every attempt is refused without hashing. The account is never locked by them, so sign-in
 * still works (the SEC-PW-07 deviation). Like sign-in, each attempt is counted before the password
 * is checked, in atomic statements, so parallel requests cannot outrun the limits; a right password
 * gives its count back.
 *
 * It revokes every API token too: a password change is what people do when they fear a thief, and a
 * token made by the thief must not survive it (SEC-SES-06, SEC-TOK-01).
 */
export async function changeOwnPassword(
  deps: AuthCtx,
  actor: ActorContext & { actorId: string },
  credential: Credential,
  input: { currentPassword: string; newPassword: string },
): Promise<{ sessionSecret: string }> {
  const found = await users.findCredentialsById(deps.db, actor.actorId);
  if (!found) throw commonErrors.unauthenticated();
  const credentialKey = `${credential.kind}:${credential.id}`;
  const caller: HashCaller = { ip: actor.ip, credential: credentialKey };
  // The user's row before the credential's, here and when a right password gives them back.
  // The windows are the database's time, like every other limit (SEC-BF-06).
  const counted = await deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    return {
      user: await hitRateLimit(trx, 'currentPasswordPerUser', found.user.id, now),
      credential: await hitRateLimit(trx, 'currentPasswordPerCredential', credentialKey, now),
    };
  });
  const giveBack = () =>
    deps.db.transaction().execute(async (trx) => {
      await releaseRateLimit(trx, 'currentPasswordPerUser', found.user.id, counted.user);
      await releaseRateLimit(trx, 'currentPasswordPerCredential', credentialKey, counted.credential);
    });
  if (!counted.credential.allowed) {
    // Only parallel requests get here: the attempt that reached the limit has ended the credential.
    await endCredential(deps, actor, credential, 'current_password_attempts');
    throw commonErrors.rate_limited().withRetryAfter(counted.credential.retryAfterSeconds);
  }
  if (!counted.user.allowed) throw commonErrors.rate_limited().withRetryAfter(counted.user.retryAfterSeconds);

  let currentOk: boolean;
  try {
    currentOk = await deps.hasher.verify(found.passwordHash, input.currentPassword, caller);
  } catch (error) {
    await giveBack(); // refused before the password was checked (the hashing share is full)
    throw error;
  }
  if (!currentOk) {
    const exhausted = [
      reachedLimit(counted.user, RATE_LIMITS.currentPasswordPerUser.limit),
      reachedLimit(counted.credential, RATE_LIMITS.currentPasswordPerCredential.limit),
    ].filter((v): v is RateVerdict => v !== null);
    await recordStandaloneEvent(deps, actor, {
      action: 'user.password_changed',
      outcome: 'failure',
      target: { id: found.user.id, label: found.user.email },
      details: { reason: 'current_password_incorrect' },
    });
    if (exhausted.length === 0) throw authErrors.current_password_incorrect();
    await endCredential(deps, actor, credential, 'current_password_attempts');
    throw commonErrors
      .rate_limited('Too many wrong current passwords. Sign in again later.')
      .withRetryAfter(Math.max(...exhausted.map((v) => v.retryAfterSeconds)));
  }
  await giveBack();
  choosePassword(deps, { password: input.newPassword }, found.user);
  // The new password must differ from the current (possibly temporary) one (SEC-TMP-02).
  if (await deps.hasher.verify(found.passwordHash, input.newPassword, caller))
    throw passwordErrors.password_reused();
  const passwordHash = await deps.hasher.hash(input.newPassword, caller);
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
    await enqueue(inTx(deps, trx), { template: 'password_changed', ...recipientOf(found.user) });
    return { sessionSecret: session.secret };
  });
}

/** This attempt made the count reach its limit (the limit-th wrong one, or beyond it in a race). */
function reachedLimit(v: RateVerdict, limit: number): RateVerdict | null {
  return v.count >= limit ? v : null;
}

/** Ends the session or token a request came with, audited once (parallel requests find it gone). */
async function endCredential(
  deps: AuthCtx,
  actor: ActorContext & { actorId: string },
  credential: Credential,
  reason: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const target = { id: actor.actorId, label: actor.actorLabel };
    if (credential.kind === 'session') {
      if (!(await endOwnSession(trx, actor.actorId, credential.id))) return;
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'session.revoked',
        target,
        details: { sessionId: credential.id, reason },
      });
    } else {
      if (!(await endOwnToken(trx, actor.actorId, credential.id))) return;
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'token.revoked',
        target,
        details: { tokenId: credential.id, reason },
      });
    }
  });
}

/** At start with no users: a one-time setup link (valid until used), built from PUBLIC_URL. */
export async function issueSetupLink(
  deps: Pick<AuthCtx, 'db' | 'clock'> & { config: { publicUrl: string } },
): Promise<string | null> {
  if (await users.anyUserExists(deps.db)) return null;
  const secret = randomSecret(32);
  await store.insertSetupToken(deps.db, sha256Hex(secret), await dbNow(deps.db, deps.clock));
  return `${deps.config.publicUrl}/setup?token=${secret}`;
}

/** Creates the first admin, once: afterwards the route answers 404 forever. */
export async function completeSetup(
  deps: AuthCtx,
  actor: ActorContext,
  input: { token: string; email: string; name: string; password: string },
): Promise<SignedIn> {
  if (await users.anyUserExists(deps.db)) throw commonErrors.not_found();
  const email = users.normalizeEmail(input.email);
  choosePassword(deps, { password: input.password }, { email, name: input.name });
  const passwordHash = await deps.hasher.hash(input.password, hashCallerOf(actor));
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
  deps: AuthCtx,
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
  deps: AuthCtx,
  actor: ActorContext & { actorId: string },
  input: { locale: 'en' | 'fr' | null },
): Promise<users.User> {
  return users.setUserLocale(deps, actor.actorId, input.locale);
}
