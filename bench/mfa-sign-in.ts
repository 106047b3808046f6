/**
 * `npx tsx bench/mfa-sign-in.ts [--quick]` (issue 13): sign-in throughput with password + TOTP against
 * password only, on one SQLite server process, with the production argon2id parameters. The target:
 * the second step costs no hash, so password + TOTP keeps ≥ 0.95 × the password-only rate.
 *
 * Each completed sign-in of the TOTP scenario is two requests (password, then the code for the current
 * step) and uses its own user, since a code is accepted once per factor (SEC-MFA-01). Both scenarios run
 * the same closed loop (C concurrent clients, each starting its next sign-in when the last one ends).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createDb } from '../src/db/db.js';
import { totpCode, totpStep, newTotpSeed } from '../src/modules/mfa/totp.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../src/modules/passwords/index.js';
import { generateSecretKey, parseSecretKey, SecretBox } from '../src/shared/secret-box.js';
import { randomUUID } from 'node:crypto';
import { freePort, startChild } from './lib/process.js';
import { benchUser, seedSqlite } from './lib/seed.js';

const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 8 : 20;
const USERS = QUICK ? 3_000 : 8_000;
const CONNECTIONS = 4 * availableParallelism();
const PASSWORD = 'bench password for the second step 42';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-mfa-'));
  const path = join(dir, 'gatehouse.sqlite');
  try {
    const handle = createDb({ kind: 'sqlite', path });
    await handle.migrate();
    await handle.close();
    const hash = await createArgon2Hasher(PRODUCTION_ARGON2, 1).hash(PASSWORD, { ip: null });
    seedSqlite(path, USERS, hash);
    // Active users only; the first half get an authenticator (sealed seed, as the server stores it).
    const key = generateSecretKey();
    const box = new SecretBox(parseSecretKey(key));
    const rows = Array.from({ length: USERS }, (_, i) => benchUser(i, hash)).filter((r) => r[6] === 'active');
    const half = Math.floor(rows.length / 2);
    const withFactor: Array<{ email: string; seed: string }> = [];
    const db = new DatabaseSync(path);
    const insert = db.prepare(
      `INSERT INTO mfa_factors (id, user_id, kind, name, status, secret_sealed, last_step, created_at)
       VALUES (?, ?, 'totp', 'Authenticator app', 'active', ?, NULL, ?)`,
    );
    db.exec('BEGIN');
    for (const row of rows.slice(0, half)) {
      const id = randomUUID();
      const seed = newTotpSeed();
      insert.run(id, row[0] as string, box.seal(seed, `totp:${id}`), Date.now());
      withFactor.push({ email: row[1] as string, seed });
    }
    db.exec('COMMIT');
    db.close();
    const passwordOnly = rows.slice(half).map((r) => r[1] as string);

    const port = await freePort();
    const server = await startChild({
      name: 'gatehouse (sqlite)',
      command: process.execPath,
      args: ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'serve'],
      cwd: process.cwd(),
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: path,
        SECRET_KEY: key,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'warn',
      },
      port,
      readyPath: '/readyz',
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      const signIn = async (email: string) => {
        const res = await fetch(`${base}/api/v1/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: base },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        if (res.status !== 200) throw new Error(`sign-in ${res.status}: ${await res.text()}`);
        return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', body: await res.json() };
      };
      const scenarios = {
        'password only': async (i: number) => {
          const email = passwordOnly[i];
          if (email === undefined) return false;
          await signIn(email);
          return true;
        },
        'password + TOTP': async (i: number) => {
          const user = withFactor[i];
          if (user === undefined) return false;
          const pending = await signIn(user.email);
          const res = await fetch(`${base}/api/v1/auth/mfa/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: base, cookie: pending.cookie },
            body: JSON.stringify({ method: 'totp', code: totpCode(user.seed, totpStep(Date.now())) }),
          });
          if (res.status !== 200) throw new Error(`verify ${res.status}: ${await res.text()}`);
          return true;
        },
      };
      const results: Record<string, number> = {};
      for (const [name, once] of Object.entries(scenarios)) {
        let next = 0;
        let done = 0;
        const end = Date.now() + SECONDS * 1000;
        const started = Date.now();
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async () => {
            while (Date.now() < end) {
              if (!(await once(next++))) throw new Error(`${name}: ran out of users; raise USERS`);
              done += 1;
            }
          }),
        );
        results[name] = done / ((Date.now() - started) / 1000);
        console.log(
          `${name}: ${results[name]?.toFixed(1)} sign-ins/s (${done} in ${SECONDS} s, ${CONNECTIONS} clients)`,
        );
      }
      const ratio = (results['password + TOTP'] ?? 0) / (results['password only'] ?? 1);
      console.log(`ratio password + TOTP / password only: ${ratio.toFixed(3)} (target ≥ 0.95)`);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
