import { randomUUID } from 'node:crypto';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { createDb } from '../../src/db/db.js';
import { newTotpSeed, totpCode, totpStep } from '../../src/modules/mfa/totp.js';
import { parseSecretKey, SecretBox } from '../../src/shared/secret-box.js';
import { load, type LoadSpec } from './load.js';

/**
 * Issue 13's target: sign-in with password + TOTP keeps ≥ 0.95 × the password-only rate (the second step
 * costs no hash). `--only mfa`, and a row of every full run.
 *
 * Each completed sign-in of the TOTP side is two requests (the password, then the code of the current
 * step) and uses a user of its own, since a code is accepted once per factor and step (SEC-MFA-01). Both
 * sides run through the same load generator as every other figure (autocannon, load.ts): C connections,
 * each starting its next sign-in when its last one ended, in alternating slices, so that other load on
 * a shared machine weighs on both alike. (The load generator shares the machine's cores with the
 * server: a client that spends more per request than the server does, as fetch() did at about 1 ms,
 * weighs on the two-request side twice.)
 */
export interface MfaFigure {
  passwordOnly: number;
  withTotp: number;
  /** Completed sign-ins per side. */
  completed: { passwordOnly: number; withTotp: number };
}

export interface MfaUser {
  email: string;
  seed: string;
}

/** Gives each user an active authenticator app, its seed sealed as the server stores it (`totp:<id>`). */
export async function addTotpFactors(
  databaseUrl: string,
  secretKey: string,
  users: Array<{ id: string; email: string }>,
): Promise<MfaUser[]> {
  const box = new SecretBox(parseSecretKey(secretKey));
  const handle = createDb(parseDatabaseUrl(databaseUrl), { poolSize: 1 });
  const out: MfaUser[] = [];
  try {
    const rows = users.map((user) => {
      const id = randomUUID();
      const seed = newTotpSeed();
      out.push({ email: user.email, seed });
      return {
        id,
        userId: user.id,
        kind: 'totp' as const,
        name: 'Authenticator app',
        status: 'active' as const,
        secretSealed: box.seal(seed, `totp:${id}`),
        lastStep: null,
        createdAt: Date.now(),
      };
    });
    await handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('mfaFactors')
          .values(rows.slice(i, i + 500))
          .execute();
    });
  } finally {
    await handle.close();
  }
  return out;
}

export async function measureMfaSignIn(options: {
  url: string;
  password: string;
  passwordOnly: string[];
  withTotp: MfaUser[];
  clients: number;
  rounds: number;
  seconds: number;
  warmSeconds: number;
}): Promise<MfaFigure> {
  const { url, password } = options;
  const headers = { 'content-type': 'application/json', origin: url };
  let nextPlain = 0;
  let nextTotp = 0;
  const plain = (duration: number): LoadSpec => ({
    url: `${url}/api/v1/auth/sign-in`,
    method: 'POST',
    connections: options.clients,
    duration,
    headers,
    nextBody: () =>
      JSON.stringify({
        email: options.passwordOnly[(nextPlain += 1) % options.passwordOnly.length],
        password,
      }),
  });
  // Two requests per sign-in: the password (which answers the pending session's cookie), then the
  // code of the current step, from the same connection.
  const totp = (duration: number): LoadSpec => ({
    url,
    connections: options.clients,
    duration,
    headers,
    sequence: [
      {
        method: 'POST',
        path: '/api/v1/auth/sign-in',
        setup: (context) => {
          const user = options.withTotp[nextTotp++];
          if (!user) throw new Error('mfa: ran out of users with a factor; seed more');
          context.user = user;
          return { body: JSON.stringify({ email: user.email, password }) };
        },
        onResponse: (_status, answer, context) => {
          const setCookie = answer['set-cookie'];
          const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
          context.cookie = first?.split(';')[0] ?? '';
        },
      },
      {
        method: 'POST',
        path: '/api/v1/auth/mfa/verify',
        setup: (context) => ({
          body: JSON.stringify({
            method: 'totp',
            code: totpCode((context.user as MfaUser).seed, totpStep(Date.now())),
          }),
          headers: { cookie: String(context.cookie ?? '') },
        }),
      },
    ],
  });
  await load(plain(options.warmSeconds));
  await load(totp(options.warmSeconds));
  const sum = { plain: { n: 0, s: 0, failed: 0 }, totp: { n: 0, s: 0, failed: 0 } };
  const per = options.seconds / options.rounds;
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [side, spec] of [
      ['plain', plain],
      ['totp', totp],
    ] as const) {
      const r = await load(spec(per));
      sum[side].n += r.ok;
      sum[side].s += r.seconds;
      sum[side].failed += r.failed;
    }
  }
  if (sum.plain.failed || sum.totp.failed)
    throw new Error(`mfa: ${sum.plain.failed} password-only and ${sum.totp.failed} TOTP requests failed`);
  return {
    passwordOnly: sum.plain.n / sum.plain.s,
    withTotp: sum.totp.n / sum.totp.s,
    completed: { passwordOnly: sum.plain.n, withTotp: sum.totp.n },
  };
}
