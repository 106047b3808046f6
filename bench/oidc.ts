/**
 * The OpenID Provider's figures (issue 12), `npm run bench -- --only oidc [--quick]`: one real
 * `gatehouse serve` process on a SQLite file, driven over HTTP.
 *
 * - code exchange: POST /oidc/token (authorization_code, confidential client, PKCE) per second, on codes
 *   made beforehand through the whole front channel (authorize → console interaction → code);
 * - refresh grant: POST /oidc/token (refresh_token, rotating) per second, and the server's CPU per refresh
 *   (from /proc/<pid>/stat: what the server spent, not the load generator);
 * - userinfo and introspection per second against the bare route (GET /healthz) on the same server;
 * - a whole app sign-in (authorize → token) in server CPU, against one password sign-in: the app sign-in
 *   rides on the Gatehouse session and hashes nothing;
 * - ID token signing: ES256 and RS256 signatures per second (jose, in this process).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { openDatabase, seedUser, signIn, startGatehouse } from '../test/scale/process.js';

const b64url = (b: Buffer) => b.toString('base64url');

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
  return ticks * 10;
}

/** The kernel's share of cpuMs (stime): fsyncs of commits and socket calls. */
function kernelMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[12]) * 10;
}

class Jar {
  readonly cookies = new Map<string, string>();
  constructor(cookie: string) {
    this.take([cookie]);
  }
  take(setCookies: string[]) {
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      if (name) this.cookies.set(name.trim(), rest.join('='));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The front channel, redirect by redirect, as a browser with a Gatehouse session: returns a code. */
async function authorize(base: string, jar: Jar, clientId: string, redirect: string) {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  let url = `${base}/oidc/auth?${new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirect,
    scope: 'openid profile email offline_access',
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 's',
    nonce: 'n',
  })}`;
  for (let i = 0; i < 10; i += 1) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res.headers.getSetCookie());
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorize stopped at ${url}: ${res.status}`);
    const next = new URL(location, url).href;
    if (next.startsWith(redirect)) return { code: new URL(next).searchParams.get('code') ?? '', verifier };
    url = next.replace(/^http:\/\/localhost:/, 'http://127.0.0.1:');
  }
  throw new Error('too many redirects');
}

async function token(base: string, basic: string, form: Record<string, string>) {
  const res = await fetch(`${base}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams(form),
  });
  const json = (await res.json()) as Record<string, string>;
  if (res.status !== 200) throw new Error(`token ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Runs `op` from `concurrency` loops for `seconds`; ops per second. */
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

async function signingRate(alg: 'ES256' | 'RS256', seconds: number) {
  const { privateKey } = await generateKeyPair(alg);
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const started = Date.now();
  while (Date.now() < end) {
    await new SignJWT({ sub: 'u', nonce: 'n' })
      .setProtectedHeader({ alg })
      .setIssuedAt()
      .setIssuer('https://id.example')
      .setAudience('c')
      .setExpirationTime('10m')
      .sign(privateKey);
    n += 1;
  }
  return n / ((Date.now() - started) / 1000);
}

export async function runOidcBench(options: { quick: boolean }): Promise<void> {
  const seconds = options.quick ? 3 : 10;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-oidc-'));
  const databaseUrl = join(dir, 'gatehouse.sqlite');
  const server = await startGatehouse({ databaseUrl, env: { LOG_LEVEL: 'error' } });
  const base = server.url;
  const lines: string[] = [];
  try {
    const handle = openDatabase(databaseUrl);
    await handle.migrate();
    const admin = await seedUser(handle, { email: 'admin@bench.test', role: 'admin' });
    const member = await seedUser(handle, { email: 'member@bench.test', role: 'member' });
    await handle.close();
    const adminCookie = await signIn(base, admin.email, admin.password);
    const redirect = 'https://app.bench.test/callback';
    const created = await fetch(`${base}/api/v1/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: adminCookie },
      body: JSON.stringify({
        name: 'Bench app',
        type: 'web',
        redirectUris: [redirect],
        allowedRoles: ['member', 'admin'],
        firstParty: true,
      }),
    });
    const { app, clientSecret } = (await created.json()) as { app: { id: string }; clientSecret: string };
    const basic = Buffer.from(`${app.id}:${clientSecret}`).toString('base64');

    // One password sign-in and one app sign-in, in server CPU.
    let cpu = cpuMs(server.pid);
    const signIns = options.quick ? 5 : 20;
    const cookies: string[] = [];
    for (let i = 0; i < signIns; i += 1) cookies.push(await signIn(base, member.email, member.password));
    const signInCpu = (cpuMs(server.pid) - cpu) / signIns;
    const jar = new Jar(cookies[0] ?? '');
    const flows = options.quick ? 20 : 100;
    cpu = cpuMs(server.pid);
    let accessToken = '';
    for (let i = 0; i < flows; i += 1) {
      const { code, verifier } = await authorize(base, jar, app.id, redirect);
      const t = await token(base, basic, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: redirect,
      });
      accessToken = t.access_token ?? '';
    }
    const flowCpu = (cpuMs(server.pid) - cpu) / flows;
    lines.push(
      `| app sign-in (authorize → interaction → code → token), server CPU | ${flowCpu.toFixed(1)} ms per sign-in |`,
    );
    lines.push(`| password sign-in (argon2id), server CPU | ${signInCpu.toFixed(1)} ms per sign-in |`);

    // Code exchange: codes made first (they live 60 s), then redeemed as fast as the server allows.
    const codes: Array<{ code: string; verifier: string }> = [];
    const codeCount = options.quick ? 150 : 600;
    for (let i = 0; i < codeCount; i += 1) codes.push(await authorize(base, jar, app.id, redirect));
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < codes.length) {
          const c = codes[next++];
          if (!c) break;
          await token(base, basic, {
            grant_type: 'authorization_code',
            code: c.code,
            code_verifier: c.verifier,
            redirect_uri: redirect,
          });
        }
      }),
    );
    lines.push(
      `| code exchange (token endpoint, client_secret_basic, 8 connections) | ${(codes.length / ((Date.now() - started) / 1000)).toFixed(0)} /s |`,
    );

    // Refresh: 8 chains, each rotating its own token.
    const chains: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const { code, verifier } = await authorize(base, jar, app.id, redirect);
      chains.push(
        (
          await token(base, basic, {
            grant_type: 'authorization_code',
            code,
            code_verifier: verifier,
            redirect_uri: redirect,
          })
        ).refresh_token ?? '',
      );
    }
    cpu = cpuMs(server.pid);
    const kernel = kernelMs(server.pid);
    const refresh = await throughput(seconds, 8, async (loop) => {
      const t = await token(base, basic, { grant_type: 'refresh_token', refresh_token: chains[loop] ?? '' });
      chains[loop] = t.refresh_token ?? '';
    });
    const refreshCpu = (cpuMs(server.pid) - cpu) / refresh.ops;
    const refreshKernel = (kernelMs(server.pid) - kernel) / refresh.ops;
    lines.push(
      `| refresh grant (rotating, 8 chains) | ${refresh.perSecond.toFixed(0)} /s, ${refreshCpu.toFixed(2)} ms server CPU each (target ≤ 2 ms; ${refreshKernel.toFixed(2)} ms of it in the kernel: the commit's fsync, sockets) |`,
    );

    const bare = await throughput(seconds, 10, async () => {
      await (await fetch(`${base}/healthz`)).arrayBuffer();
    });
    const userinfo = await throughput(seconds, 10, async () => {
      const res = await fetch(`${base}/oidc/userinfo`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      if (res.status !== 200) throw new Error(`userinfo ${res.status}`);
      await res.arrayBuffer();
    });
    const introspection = await throughput(seconds, 10, async () => {
      const res = await fetch(`${base}/oidc/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: new URLSearchParams({ token: accessToken }),
      });
      if (res.status !== 200) throw new Error(`introspection ${res.status}`);
      await res.arrayBuffer();
    });
    lines.push(`| bare route (GET /healthz, 10 connections) | ${bare.perSecond.toFixed(0)} /s |`);
    lines.push(
      `| userinfo (10 connections) | ${userinfo.perSecond.toFixed(0)} /s = ${(userinfo.perSecond / bare.perSecond).toFixed(2)} × bare (target ≥ 0.25) |`,
    );
    lines.push(
      `| introspection (10 connections) | ${introspection.perSecond.toFixed(0)} /s = ${(introspection.perSecond / bare.perSecond).toFixed(2)} × bare |`,
    );
    lines.push(
      `| ID token signing, ES256 (jose, one core) | ${(await signingRate('ES256', Math.min(seconds, 3))).toFixed(0)} /s |`,
    );
    lines.push(
      `| ID token signing, RS256 (jose, one core) | ${(await signingRate('RS256', Math.min(seconds, 3))).toFixed(0)} /s |`,
    );
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nOpenID Provider (${options.quick ? 'quick' : 'full'}, SQLite, one node)\n`);
  console.log('| scenario | figure |\n| --- | --- |');
  for (const line of lines) console.log(line);
}
