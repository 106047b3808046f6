/**
 * The ES256 passkey verification micro-benchmark (issue 13: ≥ 2,000 verifications/s on one core), run by
 * bench/passkeys.ts in a process of its own, pinned to one CPU with `taskset -c 0` where taskset exists
 * (WebCrypto's verify and digests run on libuv's thread pool: without the pin they would borrow the
 * other core). Prints one JSON line.
 *
 * What it measures is what the server runs per passkey sign-in once the challenge is consumed and the
 * passkey row read: `checkAssertion` (src/modules/mfa/passkey-assertion.ts), i.e. the stored key
 * decoded from its base64url column and @simplewebauthn/server's verifyAuthenticationResponse with the
 * server's origin, RP ID and user verification required. Answers are signed beforehand by the tests'
 * software authenticator (signing is the device's work). Beside it, where that time goes: the
 * WebCrypto key import the library makes at every call (a JWK, from the COSE key it decodes), the
 * same key imported as SPKI, and a verify with the key imported once.
 */
import { createPublicKey, verify as nodeVerify, sign, generateKeyPairSync } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers';
import { checkAssertion } from '../src/modules/mfa/passkey-assertion.js';
import { SoftAuthenticator } from '../test/mfa/authenticator.js';

const seconds = Number(process.argv[2] ?? 4);
const config = { publicUrl: 'https://id.bench.test' };
const relyingParty = { origin: 'https://id.bench.test', rpId: 'id.bench.test' };

/**
 * Operations per second of `op`, `inFlight` at a time, for `ms`: per second of wall time, and per
 * second of CPU time this process used (all its threads). On a machine others load, the wall-clock
 * figure falls with the share of the core the process gets; the CPU-time one says what a core
 * of its own would do.
 */
async function rate(ms: number, inFlight: number, op: (i: number) => Promise<unknown> | unknown) {
  let n = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) await op(n++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    wall: n / ((performance.now() - started) / 1000),
    cpu: n / ((used.user + used.system) / 1e6),
  };
}

const device = new SoftAuthenticator(relyingParty);
const creation = await generateRegistrationOptions({
  rpName: 'Bench',
  rpID: relyingParty.rpId,
  userName: 'bench@bench.test',
});
const registered = await verifyRegistrationResponse({
  response: device.create(creation),
  expectedChallenge: creation.challenge,
  expectedOrigin: relyingParty.origin,
  expectedRPID: relyingParty.rpId,
});
if (!registered.verified) throw new Error('the bench credential did not register');
// As the mfa_factors row holds it.
const stored = {
  credentialId: registered.registrationInfo.credential.id,
  publicKey: isoBase64URL.fromBuffer(registered.registrationInfo.credential.publicKey),
};
const answers = await Promise.all(
  Array.from({ length: 2_000 }, async () => {
    const options = await generateAuthenticationOptions({
      rpID: relyingParty.rpId,
      userVerification: 'required',
    });
    return { challenge: options.challenge, response: device.get(options) };
  }),
);
const server = async (i: number) => {
  const answer = answers[i % answers.length] as (typeof answers)[number];
  const ok = await checkAssertion(config, stored, { ...answer, requireUserVerification: true });
  if (!ok) throw new Error('a bench assertion did not verify');
};
const ms = seconds * 1000;
await rate(500, 1, server); // warm-up: JIT, the library's lazy set-up

// The key the library imports at each call: the stored COSE key's P-256 point as a JWK, as it builds it.
const cose = decodeCredentialPublicKey(isoBase64URL.toBuffer(stored.publicKey));
const coordinate = (label: number) =>
  isoBase64URL.fromBuffer(new Uint8Array(cose.get(label) as unknown as Uint8Array));
const jwk = { kty: 'EC', crv: 'P-256', x: coordinate(-2), y: coordinate(-3) };
const spki = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
const imported = await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['verify']);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = Buffer.alloc(69, 7);
const p1363 = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
const der = sign('sha256', data, privateKey);

const figures = {
  sequential: await rate(ms, 1, server),
  concurrent: await rate(ms, 8, server),
  jwkImport: await rate(ms / 2, 1, () =>
    crypto.subtle.importKey('jwk', { ...jwk, ext: false }, algorithm, false, ['verify']),
  ),
  spkiImport: await rate(ms / 2, 1, () =>
    crypto.subtle.importKey('spki', spki, algorithm, false, ['verify']),
  ),
  importedVerify: await rate(ms / 2, 1, () =>
    crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, imported, p1363, data),
  ),
  nodeVerify: await rate(ms / 2, 1, () => {
    if (!nodeVerify('sha256', data, publicKey, der)) throw new Error('raw verify failed');
  }),
};
console.log(JSON.stringify(figures));
