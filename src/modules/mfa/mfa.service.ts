import type { SettingsReader } from '../../config/settings-in-force.js';
import { inTx } from '../../db/context.js';
import type { Db, Executor } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { constantTimeEqual, newId, sha256Hex } from '../../shared/crypto.js';
import type { SecretBox } from '../../shared/secret-box.js';
import { recordAuditEvent } from '../audit/index.js';
import { enqueue, recipientOf, type MailMessage } from '../mail/index.js';
import { liftRestriction } from '../sessions/index.js';
import * as users from '../users/index.js';
import { mfaErrors } from './mfa.errors.js';
import * as store from './mfa.store.js';
import { enrollmentDue, requiresFactor } from './policy.js';
import { newRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.js';
import { matchTotp, newTotpSeed, otpauthUri } from './totp.js';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { verifyPasskeyAssertion } from './passkey-assertion.js';

export interface MfaDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  /** Mail's public URL; the organization's name and the MFA policy are settings in force. */
  config: { publicUrl: string };
  settings: SettingsReader;
}

export interface FactorView {
  id: string;
  kind: 'totp' | 'passkey';
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp?: boolean;
}

export interface FactorList {
  totp: FactorView[];
  passkeys: FactorView[];
  recoveryCodes: { remaining: number; createdAt: string } | null;
}

export type SecondStepMethod = 'totp' | 'passkey' | 'recovery_code';

export type SecondFactorInput =
  | { method: 'totp' | 'recovery_code'; code: string }
  | { method: 'passkey'; response: AuthenticationResponseJSON };

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const TOTP_DEFAULT_NAME = 'Authenticator app';
/** The TOTP seed's sealing context binds it to its row: moved to another row, it does not open. */
const sealContext = (factorId: string) => `totp:${factorId}`;

export function presentFactor(row: store.FactorRow): FactorView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    createdAt: iso(row.createdAt) as string,
    lastUsedAt: iso(row.lastUsedAt),
    ...(row.kind === 'passkey' ? { backedUp: row.backedUp === 1 } : {}),
  };
}

export async function listFactors(deps: Pick<MfaDeps, 'db'>, userId: string): Promise<FactorList> {
  const rows = await store.activeFactors(deps.db, userId);
  const [codes] = await store.remainingCodeCounts(deps.db, [userId]);
  return {
    totp: rows.filter((r) => r.kind === 'totp').map(presentFactor),
    passkeys: rows.filter((r) => r.kind === 'passkey').map(presentFactor),
    recoveryCodes: codes ? { remaining: codes.count, createdAt: iso(codes.createdAt) as string } : null,
  };
}

/** Counts only, for admins (issue 13): never a secret, never a factor's name. */
export interface MfaSummary {
  enabled: boolean;
  totp: number;
  passkeys: number;
  recoveryCodesRemaining: number;
}

export async function mfaSummaries(
  exec: Executor,
  userIds: readonly string[],
): Promise<Map<string, MfaSummary>> {
  const map = new Map<string, MfaSummary>();
  for (const id of userIds) map.set(id, { enabled: false, totp: 0, passkeys: 0, recoveryCodesRemaining: 0 });
  for (const row of await store.summaryCounts(exec, userIds)) {
    const summary = map.get(row.userId);
    if (!summary) continue;
    if (row.kind === 'recovery_code') summary.recoveryCodesRemaining = row.count;
    else if (row.kind === 'totp') summary.totp = row.count;
    else summary.passkeys = row.count;
    summary.enabled = summary.totp + summary.passkeys > 0;
  }
  return map;
}

/**
 * Starts an authenticator-app enrollment: a new seed, stored sealed (SEC-MFA-02) on a pending factor
 * that signs nobody in until a first code confirms it. The seed is shown this once, to its owner.
 */
export async function startTotpEnrollment(
  deps: MfaDeps,
  userId: string,
): Promise<{ id: string; secret: string; otpauthUri: string }> {
  const found = await users.findCredentialsById(deps.db, userId);
  if (!found) throw mfaErrors.factor_not_found();
  const seed = newTotpSeed();
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await store.deletePending(trx, userId, 'totp');
    await store.insertFactor(trx, {
      id,
      userId,
      kind: 'totp',
      name: TOTP_DEFAULT_NAME,
      status: 'pending',
      secretSealed: deps.secrets.seal(seed, sealContext(id)),
      lastStep: null,
      createdAt: await dbNow(trx, deps.clock),
    });
  });
  return {
    id,
    secret: seed,
    otpauthUri: otpauthUri(seed, deps.settings.current().organizationName, found.user.email),
  };
}

/**
 * Confirms a pending authenticator with its first code. The first factor of an account comes with
 * its recovery codes (SEC-MFA-03); a session that had to enroll becomes a full one (SEC-MFA-05).
 */
export async function confirmTotp(
  deps: MfaDeps,
  actor: ActorContext & { actorId: string },
  sessionId: string | null,
  factorId: string,
  code: string,
): Promise<{ factor: FactorView; recoveryCodes?: string[] }> {
  const userId = actor.actorId;
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.findFactor(trx, userId, factorId);
    if (!row || row.kind !== 'totp' || row.status !== 'pending' || !row.secretSealed)
      throw mfaErrors.factor_not_found();
    const now = await dbNow(trx, deps.clock);
    const seed = deps.secrets.open(row.secretSealed, sealContext(row.id));
    const step = matchTotp(seed, code, now, null);
    if (step === null || !(await store.activate(trx, row.id, step, now))) throw mfaErrors.invalid_code();
    const first = (await store.activeFactors(trx, userId)).length === 1;
    const recoveryCodes = first ? await replaceRecoveryCodes(trx, userId, now) : undefined;
    // A role that requires a passkey keeps the session restricted until one is added.
    if (sessionId && !(await stillDueFor(trx, deps, userId, now))) await liftRestriction(trx, sessionId);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'mfa.factor_added',
      target: { id: userId, label: actor.actorLabel },
      details: { kind: 'totp', factorId: row.id, recoveryCodesIssued: first },
    });
    await notify(trx, deps, userId, { template: 'mfa_factor_added', vars: { factor: row.name } });
    const factor = presentFactor({ ...row, status: 'active', lastStep: step, lastUsedAt: now });
    return recoveryCodes ? { factor, recoveryCodes } : { factor };
  });
}

/**
 * Removes one of the user's own factors. The last one goes only where the role does not require a
 * factor; with it go the recovery codes, which guard nothing without a factor.
 */
export async function removeFactor(
  deps: MfaDeps,
  actor: ActorContext & { actorId: string },
  role: users.Role,
  factorId: string,
): Promise<void> {
  const userId = actor.actorId;
  await deps.db.transaction().execute(async (trx) => {
    const row = await store.findFactor(trx, userId, factorId);
    if (!row) throw mfaErrors.factor_not_found();
    const active = await store.activeFactors(trx, userId);
    const last = row.status === 'active' && active.length === 1;
    const requirement = requiresFactor(deps.settings.current().mfaPolicy, role);
    if (last && requirement !== 'optional') throw mfaErrors.factor_required();
    // Under a "passkey required" policy the last passkey stays, whatever other factors there are.
    const lastPasskey =
      row.kind === 'passkey' &&
      row.status === 'active' &&
      active.filter((r) => r.kind === 'passkey').length === 1;
    if (lastPasskey && requirement === 'passkey') throw mfaErrors.passkey_required();
    await store.deleteFactor(trx, userId, factorId);
    if (row.status !== 'active') return;
    if (last) await store.deleteCodes(trx, userId);
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'mfa.factor_removed',
      target: { id: userId, label: actor.actorLabel },
      details: { kind: row.kind, factorId: row.id, lastFactor: last },
    });
    await notify(trx, deps, userId, { template: 'mfa_factor_removed', vars: { factor: row.name } });
  });
}

/** A new set of ten codes replaces the whole previous set (SEC-MFA-03). */
export async function regenerateRecoveryCodes(
  deps: MfaDeps,
  actor: ActorContext & { actorId: string },
): Promise<string[]> {
  const userId = actor.actorId;
  return deps.db.transaction().execute(async (trx) => {
    if ((await store.activeFactors(trx, userId)).length === 0) throw mfaErrors.no_factor();
    const codes = await replaceRecoveryCodes(trx, userId, await dbNow(trx, deps.clock));
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'mfa.recovery_codes_regenerated',
      target: { id: userId, label: actor.actorLabel },
    });
    await notify(trx, deps, userId, { template: 'mfa_codes_regenerated' });
    return codes;
  });
}

export async function replaceRecoveryCodes(trx: Executor, userId: string, now: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await store.replaceCodes(
    trx,
    userId,
    codes.map((code) => ({ id: newId(), codeHash: sha256Hex(normalizeRecoveryCode(code) as string) })),
    now,
  );
  return codes;
}

/** Which second factors an account has, as sign-in reads them (auth's one query, sign-in.store.ts). */
export interface FactorPresence {
  totp: boolean;
  passkey: boolean;
  /** Unused recovery codes. */
  recoveryCodes: boolean;
}

/** The methods a user can finish signing in with, in the order the console offers them. */
export function signInMethods(factors: FactorPresence): SecondStepMethod[] {
  const methods: SecondStepMethod[] = [];
  if (factors.totp) methods.push('totp');
  if (factors.passkey) methods.push('passkey');
  if (methods.length > 0 && factors.recoveryCodes) methods.push('recovery_code');
  return methods;
}

/**
 * Checks a second factor in the caller's transaction and consumes it: a TOTP step once per factor
 * (SEC-MFA-01), a recovery code once (SEC-MFA-03, mailing how many remain: SEC-MFA-09). False for a
 * wrong, used or unknown code alike (SEC-MFA-05).
 */
export async function verifySecondFactor(
  trx: Executor,
  deps: Pick<MfaDeps, 'clock' | 'config' | 'settings'> & { secrets?: SecretBox | undefined },
  userId: string,
  input: SecondFactorInput,
  /** For a passkey: the session its challenge is bound to, and who answers (a clone is audited). */
  context?: { binding: string; actor: ActorContext },
  /** The database's time the caller already read in this transaction (saves a round trip). */
  at?: number,
): Promise<{ ok: false } | { ok: true; method: string; factorId: string | null; codesRemaining?: number }> {
  if (input.method === 'passkey') {
    if (!context) return { ok: false };
    const result = await verifyPasskeyAssertion(trx, deps, context.actor, {
      binding: context.binding,
      purpose: 'authenticate',
      userId,
      response: input.response,
      requireUserVerification: false,
    });
    return result.ok ? { ok: true, method: 'passkey', factorId: result.factorId } : { ok: false };
  }
  const now = at ?? (await dbNow(trx, deps.clock));
  if (input.method === 'totp') {
    for (const row of await store.activeFactors(trx, userId, 'totp')) {
      if (!row.secretSealed || !deps.secrets) continue;
      const seed = deps.secrets.open(row.secretSealed, sealContext(row.id));
      const step = matchTotp(
        seed,
        input.code.trim(),
        now,
        row.lastStep === null ? null : Number(row.lastStep),
      );
      if (step !== null && (await store.acceptStep(trx, row.id, step, now)))
        return { ok: true, method: 'totp', factorId: row.id };
    }
    return { ok: false };
  }
  const normalized = normalizeRecoveryCode(input.code);
  if (normalized === null) return { ok: false };
  const hash = sha256Hex(normalized);
  const unused = await store.unusedCodes(trx, userId);
  let match: string | null = null;
  // Every stored hash is compared, in constant time each, whichever matches (SEC-MFA-03).
  for (const row of unused) if (constantTimeEqual(row.codeHash, hash) && match === null) match = row.id;
  if (match === null || !(await store.useCode(trx, match, now))) return { ok: false };
  const remaining = unused.length - 1;
  await notify(trx, deps, userId, {
    template: 'mfa_recovery_code_used',
    vars: { remaining: String(remaining) },
  });
  return { ok: true, method: 'recovery_code', factorId: null, codesRemaining: remaining };
}

/** Mails the user a two-step notice in the caller's transaction (SEC-MFA-09). */
export async function notify(
  trx: Executor,
  deps: Pick<MfaDeps, 'clock' | 'config' | 'settings'>,
  userId: string,
  message: Omit<Extract<MailMessage, { template: `mfa_${string}` }>, 'to' | 'locale' | 'recipientName'>,
): Promise<void> {
  const found = await users.findCredentialsById(trx, userId);
  if (!found) return;
  await enqueue(inTx(deps, trx), { ...recipientOf(found.user), ...message } as MailMessage);
}

/**
 * What a correct password leads to (SEC-MFA-05): the second step for a user with a factor
 * ('mfa', with the methods to offer), the enrollment for one whose role requires a factor they lack
 * once the grace period ran ('enroll'), else a full session (null). Decided on the factors sign-in
 * read with the account, so it costs no statement of its own.
 */
export function signInRequirement(
  deps: { settings: SettingsReader },
  user: { id: string; role: users.Role; createdAt: string },
  factors: FactorPresence,
  now: number,
): { restriction: 'mfa' | 'enroll' | null; methods: SecondStepMethod[] } {
  const methods = signInMethods(factors);
  if (methods.length > 0) return { restriction: 'mfa', methods };
  const due = enrollmentDue(deps.settings.current().mfaPolicy, user, { any: false, passkey: false }, now);
  return { restriction: due ? 'enroll' : null, methods: [] };
}

async function stillDueFor(
  exec: Executor,
  deps: { settings: SettingsReader },
  userId: string,
  now: number,
): Promise<boolean> {
  const found = await users.findCredentialsById(exec, userId);
  return found ? enrollmentStillDue(exec, deps, found.user, now) : false;
}

/** After the second step: whether the role still wants a factor the user lacks (a passkey policy). */
export async function enrollmentStillDue(
  exec: Executor,
  deps: { settings: SettingsReader },
  user: { id: string; role: users.Role; createdAt: string },
  now: number,
): Promise<boolean> {
  const policy = deps.settings.current().mfaPolicy;
  // Nothing to read where the role requires nothing (the common case after a second step).
  if (requiresFactor(policy, user.role) === 'optional') return false;
  const rows = await store.activeFactors(exec, user.id);
  const has = { any: rows.length > 0, passkey: rows.some((r) => r.kind === 'passkey') };
  return enrollmentDue(policy, user, has, now);
}
