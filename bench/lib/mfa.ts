import { randomUUID } from 'node:crypto';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { createDb } from '../../src/db/db.js';
import { newTotpSeed, totpCode, totpStep } from '../../src/modules/mfa/totp.js';
import { parseSecretKey, SecretBox } from '../../src/shared/secret-box.js';

/**
 * Issue 13's target: sign-in with password + TOTP keeps ≥ 0.95 × the password-only rate (the second step
 * costs no hash). `--only mfa`, and a row of every full run.
 *
 * Each completed sign-in of the TOTP side is two requests (the password, then the code of the current
 * step) and uses a user of its own, since a code is accepted once per factor and step (SEC-MFA-01). Both
 * sides run the same closed loop (C clients, each starting its next sign-in when its last one ended),
 * in alternating slices, so that other load on a shared machine weighs on both alike.
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

async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function verify(url: string, cookie: string, seed: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/auth/mfa/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, cookie },
    body: JSON.stringify({ method: 'totp', code: totpCode(seed, totpStep(Date.now())) }),
  });
  if (res.status !== 200) throw new Error(`mfa/verify answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Completed sign-ins per second of one closed-loop slice. */
async function slice(clients: number, seconds: number, once: () => Promise<void>): Promise<[number, number]> {
  let done = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        await once();
        done += 1;
      }
    }),
  );
  return [done, (performance.now() - started) / 1000];
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
  let nextPlain = 0;
  let nextTotp = 0;
  const plain = async () => {
    const email = options.passwordOnly[(nextPlain += 1) % options.passwordOnly.length] as string;
    await signIn(url, email, password);
  };
  const totp = async () => {
    const user = options.withTotp[nextTotp++];
    if (!user) throw new Error('mfa: ran out of users with a factor; seed more');
    await verify(url, await signIn(url, user.email, password), user.seed);
  };
  await slice(options.clients, options.warmSeconds, plain);
  await slice(options.clients, options.warmSeconds, totp);
  const sum = { plain: { n: 0, s: 0 }, totp: { n: 0, s: 0 } };
  const per = options.seconds / options.rounds;
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [side, once] of [
      ['plain', plain],
      ['totp', totp],
    ] as const) {
      const [n, s] = await slice(options.clients, per, once);
      sum[side].n += n;
      sum[side].s += s;
    }
  }
  return {
    passwordOnly: sum.plain.n / sum.plain.s,
    withTotp: sum.totp.n / sum.totp.s,
    completed: { passwordOnly: sum.plain.n, withTotp: sum.totp.n },
  };
}
