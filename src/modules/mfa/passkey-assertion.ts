import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
} from '@simplewebauthn/server';
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Db, Executor } from '../../db/db.js';
import { dbNow } from '../../db/time.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { newId } from '../../shared/crypto.js';
import { recordAuditEvent } from '../audit/index.js';
import * as store from './mfa.store.js';
import type { RequestOptionsJSON } from './passkeys.schemas.js';
import * as challenges from './passkeys.store.js';

/*
 * Passkeys (WebAuthn L3) through @simplewebauthn/server (SEC-MFA-04). The relying party is
 * PUBLIC_URL: its host is the RP ID, its origin the only origin accepted. Challenges live in the
 * database (any node verifies what another issued), bound to the session, or for a passkey-only
 * sign-in to the hash of the browser's challenge cookie; each is consumed once, within five minutes.
 * This file: what registration and authentication share, and authentication.
 */

export const CHALLENGE_MS = 5 * 60_000;
/** ES256, EdDSA, RS256: what authenticators ship (not ML-DSA, still experimental in Node's WebCrypto). */
export const ALGORITHMS = [-7, -8, -257];

export interface PasskeyDeps {
  db: Db;
  clock: Clock;
  config: { publicUrl: string };
}

export function relyingParty(config: { publicUrl: string }) {
  const url = new URL(config.publicUrl);
  return { rpID: url.hostname, origin: url.origin };
}

export function transportsOf(row: { transports: string | null }): {
  transports?: AuthenticatorTransport[];
} {
  return row.transports ? { transports: JSON.parse(row.transports) as AuthenticatorTransport[] } : {};
}

/** The challenge a response answers, read from its clientDataJSON; null when it cannot be read. */
export function challengeOf(response: { response: { clientDataJSON: string } }): string | null {
  try {
    const challenge = decodeClientDataJSON(response.response.clientDataJSON).challenge;
    return typeof challenge === 'string' && challenge.length > 0 ? challenge : null;
  } catch {
    return null;
  }
}

export async function storeChallenge(
  deps: Pick<PasskeyDeps, 'db' | 'clock'>,
  input: { userId: string | null; binding: string; purpose: challenges.ChallengePurpose; challenge: string },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const now = await dbNow(trx, deps.clock);
    await challenges.insertChallenge(trx, { id: newId(), ...input, expiresAt: now + CHALLENGE_MS }, now);
  });
}

/**
 * Request options: for the second step and the step-up, the user's passkeys (`userId`, bound to the
 * session); for a passkey-only sign-in, none (the authenticator offers its discoverable ones) and
 * user verification required (bound to the challenge cookie's hash).
 */
export async function passkeyRequestOptions(
  deps: PasskeyDeps,
  input: { binding: string; userId: string | null },
): Promise<RequestOptionsJSON> {
  const rows = input.userId ? await store.activeFactors(deps.db, input.userId, 'passkey') : [];
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.config).rpID,
    timeout: CHALLENGE_MS,
    userVerification: input.userId ? 'preferred' : 'required',
    ...(input.userId
      ? {
          allowCredentials: rows.map((row) => ({ id: row.credentialId as string, ...transportsOf(row) })),
        }
      : {}),
  });
  await storeChallenge(deps, {
    userId: input.userId,
    binding: input.binding,
    purpose: input.userId ? 'authenticate' : 'sign_in',
    challenge: options.challenge,
  });
  // The library types a descriptor's `type` as any string; it always writes 'public-key'.
  return options as RequestOptionsJSON;
}

/** The account a passkey-only response claims to be (its credential), read before anything is counted. */
export async function passkeyOwner(
  exec: Executor,
  response: AuthenticationResponseJSON,
): Promise<string | null> {
  if (typeof response.id !== 'string' || response.id.length === 0) return null;
  return (await challenges.findPasskey(exec, response.id))?.userId ?? null;
}

/**
 * The library's checks of one answer against a stored passkey (origin, RP ID, challenge, flags,
 * ES256/EdDSA/RS256 signature), exactly as every passkey sign-in, second step and step-up runs them;
 * null when it does not verify. bench/passkeys.ts measures this function (issue 13: ≥ 2,000 /s).
 */
export async function checkAssertion(
  config: { publicUrl: string },
  stored: { credentialId: string | null; publicKey: string },
  input: { response: AuthenticationResponseJSON; challenge: string; requireUserVerification: boolean },
) {
  const { rpID, origin } = relyingParty(config);
  const verified = await verifyAuthenticationResponse({
    response: input.response,
    expectedChallenge: input.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    // The counter is compared by the caller rather than by the library, so a regression is told
    // apart from a bad signature (and audited) without reading an error message.
    credential: {
      id: stored.credentialId as string,
      publicKey: isoBase64URL.toBuffer(stored.publicKey),
      counter: 0,
    },
    requireUserVerification: input.requireUserVerification,
  }).catch(() => null);
  return verified?.verified ? verified.authenticationInfo : null;
}

export type AssertionResult =
  | { ok: true; factorId: string }
  | { ok: false; reason: 'challenge' | 'unknown_passkey' | 'signature' | 'counter_regression' };

/**
 * Checks an assertion in the caller's transaction: the challenge (consumed first, so a response is
 * good once even when it fails), the credential belonging to `userId`, origin, RP ID, signature,
 * user verification where `requireUserVerification`, and the signature counter: a counter that did
 * not move forward means a cloned authenticator, refused and audited (SEC-MFA-04).
 */
export async function verifyPasskeyAssertion(
  trx: Executor,
  deps: { clock: Clock; config: { publicUrl: string } },
  actor: ActorContext,
  input: {
    binding: string;
    purpose: 'authenticate' | 'sign_in';
    userId: string;
    response: AuthenticationResponseJSON;
    requireUserVerification: boolean;
  },
): Promise<AssertionResult> {
  const now = await dbNow(trx, deps.clock);
  const challenge = challengeOf(input.response);
  if (
    !challenge ||
    !(await challenges.consumeChallenge(
      trx,
      { binding: input.binding, purpose: input.purpose, challenge },
      now,
    ))
  )
    return { ok: false, reason: 'challenge' };
  const row = await challenges.findPasskey(trx, input.response.id);
  if (!row || row.userId !== input.userId || !row.publicKey) return { ok: false, reason: 'unknown_passkey' };
  // The user handle, when the authenticator sends it, must name the same account.
  const handle = input.response.response.userHandle;
  if (handle && handle !== isoBase64URL.fromUTF8String(row.userId))
    return { ok: false, reason: 'unknown_passkey' };
  const previous = Number(row.signCount ?? 0);
  const stored = { credentialId: row.credentialId, publicKey: row.publicKey };
  const verified = await checkAssertion(deps.config, stored, {
    response: input.response,
    challenge,
    requireUserVerification: input.requireUserVerification,
  });
  if (!verified) return { ok: false, reason: 'signature' };
  const counter = verified.newCounter;
  const regressed = (counter > 0 || previous > 0) && counter <= previous;
  if (
    regressed ||
    !(await challenges.recordPasskeyUse(trx, row.id, {
      previous: row.signCount === null ? 0 : previous,
      counter,
      backedUp: verified.credentialBackedUp,
      at: now,
    }))
  ) {
    await recordAuditEvent(trx, deps.clock, actor, {
      action: 'mfa.passkey_clone_suspected',
      outcome: 'failure',
      target: { id: row.userId, label: null },
      details: { factorId: row.id, storedCounter: previous, presentedCounter: counter },
    });
    return { ok: false, reason: 'counter_regression' };
  }
  return { ok: true, factorId: row.id };
}
