/**
 * Passkeys (issue 13), `npm run bench -- --only passkeys [--quick]`:
 *
 * - verification: @simplewebauthn/server's verifyAuthenticationResponse on ES256 assertions, one after
 *   the other in this process (one core), on answers signed beforehand by the tests' software
 *   authenticator (the signing is the device's work, not the server's). Target ≥ 2,000 /s.
 * - passkey sign-in: POST /api/v1/auth/passkey/options then POST /api/v1/auth/passkey/sign-in, per
 *   second, against one real `gatehouse serve` process on a SQLite file (challenge stored, consumed,
 *   verified, session started, audited), with the password sign-in of the same server beside it.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { SoftAuthenticator } from '../test/mfa/authenticator.js';
import { call, openDatabase, seedUser, signIn, startGatehouse } from '../test/scale/process.js';

async function throughput(seconds: number, concurrency: number, op: (loop: number) => Promise<void>) {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      while (Date.now() < end) {
        await op(loop);
        done += 1;
      }
    }),
  );
  return { ops: done, perSecond: done / ((Date.now() - started) / 1000) };
}

/** verifyAuthenticationResponse per second on one core (answers prepared beforehand). */
async function verificationRate(seconds: number): Promise<number> {
  const origin = 'https://id.bench.test';
  const rpID = 'id.bench.test';
  const device = new SoftAuthenticator({ origin, rpId: rpID });
  const creation = await generateRegistrationOptions({ rpName: 'Bench', rpID, userName: 'bench@bench.test' });
  const registered = await verifyRegistrationResponse({
    response: device.create(creation),
    expectedChallenge: creation.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
  });
  if (!registered.verified) throw new Error('the bench credential did not register');
  const credential = registered.registrationInfo.credential;
  const answers = await Promise.all(
    Array.from({ length: 2_000 }, async () => {
      const options = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
      return { challenge: options.challenge, response: device.get(options) };
    }),
  );
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  let n = 0;
  while (Date.now() < end) {
    const answer = answers[n % answers.length] as (typeof answers)[number];
    const result = await verifyAuthenticationResponse({
      response: answer.response,
      expectedChallenge: answer.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error('a bench assertion did not verify');
    n += 1;
  }
  return n / ((Date.now() - started) / 1000);
}

/** The floor under the library: node:crypto's ES256 verify alone, same core, same conditions. */
function rawVerifyRate(seconds: number): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(69, 7);
  const signature = sign('sha256', data, privateKey);
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  let n = 0;
  while (Date.now() < end) {
    if (!verify('sha256', data, publicKey, signature)) throw new Error('raw verify failed');
    n += 1;
  }
  return n / ((Date.now() - started) / 1000);
}

export async function runPasskeysBench(options: { quick: boolean }): Promise<void> {
  const seconds = options.quick ? 4 : 15;
  const lines: string[] = [];
  const rate = await verificationRate(Math.min(seconds, 5));
  lines.push(
    `| ES256 verification (verifyAuthenticationResponse, one core) | ${rate.toFixed(0)} /s (target ≥ 2,000) |`,
  );
  const raw = rawVerifyRate(Math.min(seconds, 3));
  lines.push(`| ES256 verify alone (node:crypto, one core, for reference) | ${raw.toFixed(0)} /s |`);

  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-passkeys-'));
  const databaseUrl = join(dir, 'gatehouse.sqlite');
  const server = await startGatehouse({ databaseUrl, env: { LOG_LEVEL: 'error' } });
  const base = server.url;
  // The server's PUBLIC_URL is http://localhost:<port>: its origin and RP ID are what passkeys answer to.
  const relyingParty = { origin: `http://localhost:${server.port}`, rpId: 'localhost' };
  try {
    const handle = openDatabase(databaseUrl);
    await handle.migrate();
    const users: Array<{ email: string; password: string }> = [];
    for (let i = 0; i < 8; i += 1)
      users.push(await seedUser(handle, { email: `passkey${i}@bench.test`, role: 'member' }));
    await handle.close();
    // Each user adds a passkey through the API, as the console does.
    const devices: SoftAuthenticator[] = [];
    for (const user of users) {
      const cookie = await signIn(base, user.email, user.password);
      const creation = await call(base, 'POST', '/api/v1/me/factors/passkeys/options', { cookie });
      const device = new SoftAuthenticator(relyingParty);
      const added = await call(base, 'POST', '/api/v1/me/factors/passkeys', {
        cookie,
        body: { response: device.create(creation.body as Parameters<SoftAuthenticator['create']>[0]) },
      });
      if (added.status !== 201) throw new Error(`adding a passkey: ${added.status} ${added.text}`);
      devices.push(device);
    }
    const passkey = await throughput(seconds, 8, async (loop) => {
      const options = await call(base, 'POST', '/api/v1/auth/passkey/options');
      const cookie = String(options.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      const device = devices[loop % devices.length] as SoftAuthenticator;
      const res = await call(base, 'POST', '/api/v1/auth/passkey/sign-in', {
        cookie,
        body: { response: device.get(options.body as Parameters<SoftAuthenticator['get']>[0]) },
      });
      if (res.status !== 200) throw new Error(`passkey sign-in ${res.status}: ${res.text}`);
    });
    lines.push(
      `| passkey sign-in (options + sign-in, 8 clients, SQLite) | ${passkey.perSecond.toFixed(0)} sign-ins/s |`,
    );
    const password = await throughput(seconds, 8, async (loop) => {
      const user = users[loop % users.length] as (typeof users)[number];
      await signIn(base, user.email, user.password);
    });
    lines.push(
      `| password sign-in, same server (argon2id production parameters, 8 clients) | ${password.perSecond.toFixed(0)} sign-ins/s |`,
    );
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nPasskeys (${options.quick ? 'quick' : 'full'}, SQLite, one node)\n`);
  console.log('| scenario | figure |\n| --- | --- |');
  for (const line of lines) console.log(line);
}
