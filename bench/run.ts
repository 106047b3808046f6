/**
 * `npm run bench`: Gatehouse on SQLite and on PostgreSQL, a bare Fastify route, raw argon2id and
 * better-auth (admin plugin, SQLite), measured side by side in one run with one load generator
 * (autocannon), printed as one table. See bench/README.md.
 *
 *   npm run bench                 full: 1,000,000 users (about 30 minutes on a 2-core machine)
 *   npm run bench -- --quick      quick: 100,000 users, short runs (a few minutes)
 *   npm run bench -- --no-peer    without better-auth
 *   npm run bench -- --hash-concurrency 1   another HASH_CONCURRENCY (default: the core count)
 *   npm run bench -- --only password-flood  just the admin sign-in p99 under a /me/password flood
 *   npm run bench -- --only mfa   just sign-in with password + TOTP against password only (issue 13)
 *   npm run bench -- --only passkeys        ES256 verifications/s and passkey sign-in throughput
 *   npm run bench -- --only sign-in         just raw argon2id and sign-in, alternating (the ratio)
 *   npm run bench -- --only list            just the GET /api/v1/users runs (first, deep, role, searches)
 *
 * Each run's table is saved as bench/results/<date>-<machine>[-quick][-N].md. A full run also draws
 * bench/results/latest.svg and rewrites the README's summary and bench/README.md's full record
 * between their markers (bench/lib/readme-writer.ts); `--readme-from <record.json>` does only that.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verify as argon2Verify, hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import { sql } from 'kysely';
import { parseDatabaseUrl } from '../src/config/config.js';
import { createDb } from '../src/db/db.js';
import { PRODUCTION_ARGON2 } from '../src/modules/passwords/index.js';
import { encodeCursor } from '../src/modules/users/cursor.js';
import { load, type LoadResult, type LoadSpec } from './lib/load.js';
import { addTotpFactors, measureMfaSignIn, type MfaFigure, type MfaUser } from './lib/mfa.js';
import { describeMachine } from './lib/machine.js';
import { ensurePeersInstalled, PEER_ADMIN_EMAIL, peersDir, seedPeer } from './lib/peer.js';
import { startPostgres, type BenchPostgres } from './lib/postgres.js';
import { freePort, PeakRss, serverNodeFlags, signInCookie, startChild, type Child } from './lib/process.js';
import {
  markdownTable,
  onlyTable,
  resultsMarkdown,
  svgChart,
  type GatehouseFigures,
  type LatencyFigure,
  type ListOp,
  type PasswordFloodFigure,
  type PeerFigures,
  type RunReport,
} from './lib/report.js';
import { writeBenchReadmes } from './lib/readme-writer.js';
import { benchUser, seedPostgres, seedSqlite } from './lib/seed.js';
import { generateSecretKey } from '../src/shared/secret-box.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
function option(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
/** `--readme-from <record.json>`: rewrite README.md's summary and bench/README.md's record from a saved run, measuring nothing. */
const README_FROM = option('--readme-from');
if (README_FROM) {
  const report = JSON.parse(readFileSync(README_FROM, 'utf8')) as RunReport;
  const written = writeBenchReadmes(ROOT, report, `${basename(README_FROM, '.json')}.md`);
  process.stderr.write(
    `README.md ${written.readme ? 'updated' : 'has no bench markers'}; bench/README.md ${written.benchReadme ? 'updated' : 'has no bench markers'}\n`,
  );
  process.exit(0);
}
/** `--only password-flood` or `--only mfa`: seed, start the servers and measure only that scenario. */
const ONLY = option('--only');
if (ONLY === 'oidc') {
  // The OpenID Provider's figures (issue 12): a server of its own, no seeding of the user base.
  const { runOidcBench } = await import('./oidc.js');
  await runOidcBench({ quick: QUICK });
  process.exit(0);
}
if (ONLY === 'passkeys') {
  // Passkeys (issue 13): ES256 verifications per second, passkey sign-in throughput over HTTP.
  const { runPasskeysBench } = await import('./passkeys.js');
  await runPasskeysBench({ quick: QUICK });
  process.exit(0);
}
const ONLY_SCENARIOS = ['password-flood', 'mfa', 'sign-in', 'list'];
if (ONLY !== undefined && !ONLY_SCENARIOS.includes(ONLY))
  throw new Error(`--only accepts ${ONLY_SCENARIOS.join(', ')}, oidc or passkeys, not ${ONLY}`);
/** Whether this run measures a part of gatehouseRuns (all of them without --only). */
const runs = (part: 'me' | 'sign-in' | 'flood' | 'list') => ONLY === undefined || ONLY === part;
/** A run that was not made (a part left out by --only). */
const NOT_RUN: LoadResult = {
  rps: Number.NaN,
  requests: 0,
  ok: 0,
  failed: 0,
  statuses: {},
  p50: Number.NaN,
  p99: Number.NaN,
  seconds: 0,
};
const WITH_PEER = !argv.includes('--no-peer') && ONLY === undefined;

const USERS = QUICK ? 100_000 : 1_000_000;
const SECONDS = QUICK ? { warm: 2, me: 5, signIn: 8, list: 5 } : { warm: 5, me: 15, signIn: 20, list: 15 };
/** The server's HASH_CONCURRENCY (its default: the core count), and the raw ceiling's concurrency. */
const HASH_CONCURRENCY = Number(option('--hash-concurrency')) || availableParallelism();
const CONNECTIONS = { me: 10, signIn: 4 * HASH_CONCURRENCY, list: 2, floodMeRate: 100 };
/**
 * One viewer session floods POST /me/password (wrong current passwords) with 400 connections while an
 * admin signs in from another address at a fixed rate (issue 10, item 1). The load generator stands in
 * for a reverse proxy (the server trusts 127.0.0.1 as one), so the two can come from different client
 * addresses through X-Forwarded-For.
 */
const PASSWORD_FLOOD = {
  connections: 400,
  adminRate: 10,
  floodIp: '198.51.100.1',
  adminIp: '198.51.100.2',
  body: JSON.stringify({
    currentPassword: 'not the viewer password at all',
    newPassword: 'bench-new-password-5678-abc',
  }),
};
const PASSWORD = 'bench-password-1234-xyz';
/** Users given an authenticator app for the password + TOTP side (each signs in once): the last active ones. */
const MFA_USERS = QUICK ? 3_000 : 6_000;
const SEARCH = { term: 'kovmar', commonTerm: 'grace' };
const SIGN_IN_USERS = 2000;
/** Alternating slices per ratio (see alternate). */
const ROUNDS = QUICK ? 2 : 3;

const started = Date.now();
function log(line: string): void {
  const t = Math.round((Date.now() - started) / 1000);
  process.stderr.write(
    `[bench ${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}] ${line}\n`,
  );
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** The server as it ships: compiled by tsc (incrementally) and run by node, not through a TS loader. */
async function buildServer(): Promise<string> {
  const out = join(ROOT, 'tmp', 'bench-build');
  log('compiling the server (tsc -p tsconfig.build.json) ...');
  const code = await run('npx', [
    'tsc',
    '-p',
    'tsconfig.build.json',
    '--outDir',
    out,
    '--sourceMap',
    'false',
    '--incremental',
    '--tsBuildInfoFile',
    join(out, '.tsbuildinfo'),
  ]);
  const entry = join(out, 'src', 'cli', 'main.js');
  if (code !== 0 || !existsSync(entry)) throw new Error('the server did not compile');
  return entry;
}

/** Indexes of active bulk users, for sign-in load (spread over many accounts, as real sign-ins are). */
function activeUsers(count: number, among: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < among && out.length < count; i += 1) if (benchUser(i, '')[6] === 'active') out.push(i);
  return out;
}

/** Indexes of the last `count` active bulk users (apart from the sign-in load's, which are the first). */
function lastActiveUsers(count: number, among: number): number[] {
  const out: number[] = [];
  for (let i = among - 1; i >= 0 && out.length < count; i -= 1)
    if (benchUser(i, '')[6] === 'active') out.push(i);
  return out;
}

function firstActive(role: 'admin' | 'viewer', among: number): number {
  for (let i = 0; i < among; i += 1) {
    const row = benchUser(i, '');
    if (row[5] === role && row[6] === 'active') return i;
  }
  throw new Error(`no active ${role} among the bench users`);
}

async function measure(spec: LoadSpec, pid: number | null): Promise<LoadResult & { rss: number }> {
  await load({ ...spec, duration: SECONDS.warm });
  const rss = pid ? new PeakRss(pid) : null;
  const result = await load(spec);
  return { ...result, rss: rss?.stop() ?? 0 };
}

/** Raw argon2id verify in `concurrency` loops: the hashing ceiling, with sign-in's parameters. */
async function rawArgon2(hash: string, concurrency: number, seconds: number): Promise<number> {
  const loop = async (until: number) => {
    let n = 0;
    while (performance.now() < until) {
      if (!(await argon2Verify(hash, PASSWORD))) throw new Error('raw verify failed');
      n += 1;
    }
    return n;
  };
  const warm = performance.now() + 1000;
  await Promise.all(Array.from({ length: concurrency }, () => loop(warm)));
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: concurrency }, () => loop(t0 + seconds * 1000)));
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - t0) / 1000);
}

function latency(r: LoadResult): LatencyFigure {
  return { p50: r.p50, p99: r.p99, rps: r.rps, failed: r.failed, requests: r.requests };
}

interface Context {
  work: string;
  serverEntry: string;
  hash: string;
  postgres: BenchPostgres | null;
  /** The bare Fastify route and better-auth run through the whole bench, so that their figures can be
   *  taken in alternation with Gatehouse's (see alternate). */
  bare: Child | null;
  peer: { server: Child; cookie: string; signInUsers: number[] } | null;
  searchMatches: { term: number; common: number };
  deepRow: number;
  notes: string[];
}

/**
 * Measures several targets in alternating slices (A, B, C, A, B, C, ...) and answers each one's
 * successful requests per second over all its slices. On a shared machine, other work then weighs
 * on every figure of a ratio alike, instead of on whichever ran during a busy minute.
 */
async function alternate(
  specs: Record<string, LoadSpec>,
  rounds: number,
  seconds: number,
  onResult: (name: string, r: LoadResult) => void,
): Promise<Record<string, number>> {
  const ok: Record<string, number> = {};
  const time: Record<string, number> = {};
  for (const spec of Object.values(specs)) await load({ ...spec, duration: SECONDS.warm });
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, spec] of Object.entries(specs)) {
      const r = await load({ ...spec, duration: seconds / rounds });
      onResult(name, r);
      ok[name] = (ok[name] ?? 0) + r.ok;
      time[name] = (time[name] ?? 0) + r.seconds;
    }
  }
  return Object.fromEntries(Object.keys(specs).map((name) => [name, (ok[name] ?? 0) / (time[name] ?? 1)]));
}

async function benchGatehouse(dialect: 'sqlite' | 'postgres', ctx: Context): Promise<GatehouseFigures> {
  const databaseUrl =
    dialect === 'sqlite'
      ? join(ctx.work, 'gatehouse.sqlite')
      : await (ctx.postgres as BenchPostgres).createDatabase('gatehouse_bench');
  const handle = createDb(parseDatabaseUrl(databaseUrl), { poolSize: 1 });
  await handle.migrate();
  await handle.close();
  log(`${dialect}: seeding ${USERS.toLocaleString('en-US')} users ...`);
  const seedStarted = Date.now();
  const progress = (n: number) => {
    if (n % (USERS / 5) === 0) log(`${dialect}: ${n.toLocaleString('en-US')} users inserted`);
  };
  if (dialect === 'sqlite') seedSqlite(databaseUrl, USERS, ctx.hash, progress);
  else await seedPostgres(databaseUrl, USERS, ctx.hash, progress);
  log(`${dialect}: seeded in ${Math.round((Date.now() - seedStarted) / 1000)} s`);

  // The deep page starts after row USERS / 2 in name order; the search terms' match counts.
  const probe = createDb(parseDatabaseUrl(databaseUrl), { poolSize: 1 });
  const deepRow = Math.floor(USERS / 2);
  const { rows } = await sql<{ nameKey: string; id: string }>`
    select name_key, id from users order by name_key, id limit 1 offset ${deepRow - 1}`.execute(probe.db);
  const deep = rows[0];
  if (!deep) throw new Error('no deep row');
  const deepCursor = encodeCursor({ s: 'name', o: 'asc', v: deep.nameKey, i: deep.id });
  const matches = async (term: string) => {
    const r = await sql<{
      n: number | string;
    }>`select count(*) as n from users where search like ${`%${term}%`}`.execute(probe.db);
    return Number(r.rows[0]?.n ?? 0);
  };
  ctx.searchMatches = { term: await matches(SEARCH.term), common: await matches(SEARCH.commonTerm) };
  ctx.deepRow = deepRow;
  await probe.close();

  // Users with an authenticator app, for the password + TOTP side; sealed with this run's key.
  const secretKey = generateSecretKey();
  const mfaUsers = await addTotpFactors(
    databaseUrl,
    secretKey,
    lastActiveUsers(MFA_USERS, USERS).map((i) => {
      const row = benchUser(i, '');
      return { id: row[0] as string, email: row[1] as string };
    }),
  );

  const port = await freePort();
  log(`${dialect}: starting the server ...`);
  const server = await startChild({
    name: `gatehouse (${dialect})`,
    command: process.execPath,
    args: [...serverNodeFlags(), ctx.serverEntry, 'serve'],
    cwd: ROOT,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      HASH_CONCURRENCY: String(HASH_CONCURRENCY),
      // The load generator acts as the proxy for the password-flood scenario's client addresses.
      TRUST_PROXY: '127.0.0.1',
      // A throw-away key per run (PostgreSQL requires one; SQLite would otherwise write a key file).
      SECRET_KEY: secretKey,
    },
    port,
    readyPath: '/healthz',
  });
  try {
    if (ONLY === 'password-flood')
      return { ...emptyFigures(), passwordFlood: await passwordFlood(dialect, server, ctx) };
    if (ONLY === 'mfa') return { ...emptyFigures(), mfa: await mfaSignIn(dialect, server, mfaUsers) };
    const figures = await gatehouseRuns(dialect, server, ctx, deepCursor);
    if (ONLY === 'sign-in' || ONLY === 'list') return { ...figures, passwordFlood: null, mfa: null };
    return {
      ...figures,
      passwordFlood: await passwordFlood(dialect, server, ctx),
      mfa: await mfaSignIn(dialect, server, mfaUsers),
    };
  } finally {
    await server.stop();
  }
}

async function gatehouseRuns(
  dialect: 'sqlite' | 'postgres',
  server: Child,
  ctx: Context,
  deepCursor: string,
): Promise<Omit<GatehouseFigures, 'passwordFlood'>> {
  const url = server.url;
  const admin = benchUser(firstActive('admin', USERS), '')[1] as string;
  const cookie = await signInCookie(url, admin, PASSWORD);
  const tokenRes = await fetch(`${url}/api/v1/me/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (!tokenRes.ok)
    throw new Error(`creating an API token answered ${tokenRes.status}: ${await tokenRes.text()}`);
  const token = ((await tokenRes.json()) as { token: string }).token;
  let failed = 0;
  const count = <T extends LoadResult>(r: T): T => {
    failed += r.failed;
    if (r.failed > 0)
      ctx.notes.push(
        `${dialect}: ${r.failed} failed requests in one run (statuses ${JSON.stringify(r.statuses)})`,
      );
    return r;
  };

  if (runs('me'))
    log(
      `${dialect}: GET /api/v1/me (cookie, API token), the bare route and better-auth get-session, in ${ROUNDS} alternating rounds ...`,
    );
  const me = { url: `${url}/api/v1/me`, connections: CONNECTIONS.me, duration: SECONDS.me };
  const specs: Record<string, LoadSpec> = {
    meCookie: { ...me, headers: { cookie } },
    meToken: { ...me, headers: { authorization: `Bearer ${token}` } },
  };
  if (ctx.bare) specs.bare = { url: `${ctx.bare.url}/me`, connections: CONNECTIONS.me, duration: SECONDS.me };
  if (ctx.peer) {
    specs.peerGetSession = {
      url: `${ctx.peer.server.url}/api/auth/get-session`,
      connections: CONNECTIONS.me,
      duration: SECONDS.me,
      headers: { cookie: ctx.peer.cookie },
    };
  }
  const meRss = new PeakRss(server.pid);
  const meRates = !runs('me')
    ? {}
    : await alternate(specs, ROUNDS, SECONDS.me, (name, r) => {
        if (name.startsWith('me')) count(r);
        else if (r.failed)
          ctx.notes.push(`${name}: ${r.failed} failed requests (statuses ${JSON.stringify(r.statuses)})`);
      });
  const meCookie = { rps: meRates.meCookie ?? Number.NaN, rss: meRss.stop() };
  const meToken = { rps: meRates.meToken ?? Number.NaN, rss: meCookie.rss };

  const emails = activeUsers(SIGN_IN_USERS, USERS).map((i) => benchUser(i, '')[1] as string);
  let next = 0;
  const signInSpec: LoadSpec = {
    url: `${url}/api/v1/auth/sign-in`,
    method: 'POST',
    connections: CONNECTIONS.signIn,
    duration: SECONDS.signIn,
    headers: { 'content-type': 'application/json' },
    nextBody: () => JSON.stringify({ email: emails[(next += 1) % emails.length], password: PASSWORD }),
  };
  // The ceiling and sign-in are measured in alternating slices, so that other work on a shared
  // machine weighs on both alike: raw verify, sign-in, raw, sign-in, ...
  if (runs('sign-in'))
    log(
      `${dialect}: raw argon2id verify (${HASH_CONCURRENCY} at a time) and sign-in, in ${ROUNDS} alternating rounds ...`,
    );
  if (runs('sign-in')) await load({ ...signInSpec, duration: SECONDS.warm });
  const slice = SECONDS.signIn / ROUNDS;
  const signInRss = new PeakRss(server.pid);
  let rawHashes = 0;
  let signIns = 0;
  let signInSeconds = 0;
  for (let round = 0; runs('sign-in') && round < ROUNDS; round += 1) {
    rawHashes += (await rawArgon2(ctx.hash, HASH_CONCURRENCY, slice)) * slice;
    const r = count(await load({ ...signInSpec, duration: slice }));
    signIns += r.ok;
    signInSeconds += r.seconds;
  }
  const raw = rawHashes / (slice * ROUNDS);
  const signIn = { rps: signIns / signInSeconds, rss: signInRss.stop() };

  if (runs('flood'))
    log(`${dialect}: GET /api/v1/me at ${CONNECTIONS.floodMeRate} req/s during a sign-in flood ...`);
  const floodRss = new PeakRss(server.pid);
  const [floodSignIn, floodMe] = !runs('flood')
    ? [NOT_RUN, NOT_RUN]
    : await Promise.all([
        load(signInSpec),
        load({
          ...me,
          headers: { cookie },
          connections: 4,
          rate: CONNECTIONS.floodMeRate,
          duration: SECONDS.signIn,
        }),
      ]);
  count(floodSignIn);
  count(floodMe);
  const flood = floodRss.stop();

  const list: Partial<Record<ListOp, LatencyFigure>> = {};
  let listRss = 0;
  const listPaths: Record<ListOp, string> = {
    first: '/api/v1/users?limit=50',
    deep: `/api/v1/users?limit=50&cursor=${encodeURIComponent(deepCursor)}`,
    role: '/api/v1/users?limit=50&role=admin',
    search: `/api/v1/users?limit=50&q=${SEARCH.term}`,
    searchCommon: `/api/v1/users?limit=50&q=${SEARCH.commonTerm}`,
  };
  for (const op of runs('list') ? (Object.keys(listPaths) as ListOp[]) : []) {
    log(`${dialect}: GET ${listPaths[op].slice(0, 60)} ...`);
    const r = count(
      await measure(
        {
          url: url + listPaths[op],
          connections: CONNECTIONS.list,
          duration: SECONDS.list,
          headers: { cookie },
        },
        server.pid,
      ),
    );
    list[op] = latency(r);
    listRss = Math.max(listRss, r.rss);
  }
  return {
    raw,
    signIn: signIn.rps,
    bare: meRates.bare ?? Number.NaN,
    peerGetSession: meRates.peerGetSession ?? Number.NaN,
    meCookie: meCookie.rps,
    meToken: meToken.rps,
    floodMeP99: floodMe.p99,
    floodSignIn: floodSignIn.rps,
    list: list as Record<ListOp, LatencyFigure>,
    rss: { me: Math.max(meCookie.rss, meToken.rss), signIn: signIn.rss, flood, list: listRss },
    failed,
  };
}

/**
 * The admin's sign-in latency while one viewer session floods POST /me/password with wrong current
 * passwords on 400 connections (issue 10, item 1; SEC-PW-07, SEC-PS-02). The flood's statuses are
 * reported too: its session is meant to end after five wrong guesses (then 401), and its hashing
 * share is capped meanwhile (429).
 */
async function passwordFlood(
  dialect: 'sqlite' | 'postgres',
  server: Child,
  ctx: Context,
): Promise<PasswordFloodFigure> {
  const url = server.url;
  const admin = benchUser(firstActive('admin', USERS), '')[1] as string;
  const viewer = benchUser(firstActive('viewer', USERS), '')[1] as string;
  const viewerCookie = await signInCookie(url, viewer, PASSWORD, {
    headers: {
      'x-forwarded-for': PASSWORD_FLOOD.floodIp,
    },
  });
  log(
    `${dialect}: admin sign-in at ${PASSWORD_FLOOD.adminRate}/s while one viewer session floods /me/password with ${PASSWORD_FLOOD.connections} connections ...`,
  );
  const rss = new PeakRss(server.pid);
  // The flood runs in its own process (autocannon's CLI): 400 connections would otherwise starve
  // this process's event loop, and the admin's latencies would measure the load generator.
  const flood = floodProcess(`${url}/api/v1/me/password`, SECONDS.signIn + 2, [
    'content-type=application/json',
    `cookie=${viewerCookie}`,
    `x-forwarded-for=${PASSWORD_FLOOD.floodIp}`,
  ]);
  // Sign-ins start once the flood is under way (its connections open within the first second).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const signIn = await load({
    url: `${url}/api/v1/auth/sign-in`,
    method: 'POST',
    connections: 2,
    rate: PASSWORD_FLOOD.adminRate,
    duration: SECONDS.signIn,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': PASSWORD_FLOOD.adminIp },
    body: JSON.stringify({ email: admin, password: PASSWORD }),
  });
  const floodResult = await flood;
  if (signIn.failed > 0)
    ctx.notes.push(
      `${dialect}: ${signIn.failed} failed admin sign-ins during the /me/password flood (statuses ${JSON.stringify(signIn.statuses)})`,
    );
  ctx.notes.push(
    `${dialect}: the /me/password flood got ${floodResult.requests.toLocaleString('en-US')} answers ${JSON.stringify(floodResult.statuses)}`,
  );
  return {
    signIn: latency(signIn),
    floodRequests: floodResult.requests,
    floodStatuses: floodResult.statuses,
    rss: rss.stop(),
  };
}

/** autocannon's CLI in a child process, POSTing the flood's body; answers counted by status class. */
function floodProcess(
  url: string,
  seconds: number,
  headers: string[],
): Promise<{ requests: number; statuses: Record<string, number> }> {
  const args = [
    join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'),
    '-c',
    String(PASSWORD_FLOOD.connections),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-b',
    PASSWORD_FLOOD.body,
    '-j',
    ...headers.flatMap((h) => ['-H', h]),
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as {
          statusCodeStats?: Record<string, { count: number }>;
          errors?: number;
          timeouts?: number;
        };
        const statuses: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = count;
        if (r.errors) statuses.errors = r.errors;
        if (r.timeouts) statuses.timeouts = r.timeouts;
        resolve({ requests: Object.values(statuses).reduce((a, b) => a + b, 0), statuses });
      } catch (error) {
        reject(new Error(`the flood's autocannon printed no result: ${(error as Error).message}`));
      }
    });
  });
}

/** The figures a `--only` run does not measure. */
/**
 * Sign-in with password + TOTP against password only (issue 13: ≥ 0.95, the second step costs no hash),
 * with the sign-in load's clients, in alternating slices.
 */
async function mfaSignIn(dialect: string, server: Child, withTotp: MfaUser[]): Promise<MfaFigure> {
  log(`${dialect}: sign-in with password + TOTP and password only, in ${ROUNDS} alternating rounds ...`);
  return measureMfaSignIn({
    url: server.url,
    password: PASSWORD,
    passwordOnly: activeUsers(SIGN_IN_USERS, USERS).map((i) => benchUser(i, '')[1] as string),
    withTotp,
    clients: CONNECTIONS.signIn,
    rounds: ROUNDS,
    seconds: SECONDS.signIn,
    warmSeconds: SECONDS.warm,
  });
}

function emptyFigures(): GatehouseFigures {
  const none: LatencyFigure = { p50: Number.NaN, p99: Number.NaN, rps: Number.NaN, failed: 0, requests: 0 };
  return {
    raw: Number.NaN,
    signIn: Number.NaN,
    bare: Number.NaN,
    peerGetSession: Number.NaN,
    meCookie: Number.NaN,
    meToken: Number.NaN,
    floodMeP99: Number.NaN,
    floodSignIn: Number.NaN,
    list: { first: none, deep: none, role: none, search: none, searchCommon: none },
    rss: { me: 0, signIn: 0, flood: 0, list: 0 },
    failed: 0,
    passwordFlood: null,
    mfa: null,
  };
}

function startBare(): Promise<Child> {
  return freePort().then((port) =>
    startChild({
      name: 'bare Fastify',
      command: process.execPath,
      args: ['--import', 'tsx', join('bench', 'bare-server.ts'), String(port)],
      cwd: ROOT,
      env: { NODE_ENV: 'production' },
      port,
      readyPath: '/healthz',
    }),
  );
}

/** Seeds better-auth's database and starts it; it serves get-session slices during Gatehouse's runs. */
async function startPeer(ctx: Context): Promise<NonNullable<Context['peer']>> {
  await ensurePeersInstalled(ROOT, log);
  const file = join(ctx.work, 'better-auth.sqlite');
  log(`better-auth: seeding ${USERS.toLocaleString('en-US')} users ...`);
  const signInUsers = activeUsers(SIGN_IN_USERS, USERS);
  await seedPeer(ROOT, file, USERS, signInUsers, log);
  const port = await freePort();
  const server = await startChild({
    name: 'better-auth',
    command: process.execPath,
    args: [join(peersDir(ROOT), 'better-auth-server.mjs'), 'serve', file, String(port)],
    cwd: ROOT,
    env: { NODE_ENV: 'production' },
    port,
    readyPath: '/api/auth/ok',
  });
  try {
    const cookie = await signInCookie(server.url, PEER_ADMIN_EMAIL, PASSWORD, {
      path: '/api/auth/sign-in/email',
      headers: {
        origin: server.url,
      },
    });
    return { server, cookie, signInUsers };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** better-auth's sign-in and list-users (its get-session was measured beside Gatehouse's GET /me). */
async function benchPeer(ctx: Context, getSession: number): Promise<PeerFigures> {
  const peer = ctx.peer as NonNullable<Context['peer']>;
  const { server, cookie } = peer;
  const origin = { origin: server.url };
  let failed = 0;
  const count = <T extends LoadResult>(r: T): T => {
    failed += r.failed;
    if (r.failed > 0)
      ctx.notes.push(
        `better-auth: ${r.failed} failed requests in one run (statuses ${JSON.stringify(r.statuses)})`,
      );
    return r;
  };
  log('better-auth: sign-in ...');
  const emails = peer.signInUsers.map((i) => benchUser(i, '')[1] as string);
  let next = 0;
  const signIn = count(
    await measure(
      {
        url: `${server.url}/api/auth/sign-in/email`,
        method: 'POST',
        connections: CONNECTIONS.signIn,
        duration: SECONDS.signIn,
        headers: { 'content-type': 'application/json', ...origin },
        nextBody: () => JSON.stringify({ email: emails[(next += 1) % emails.length], password: PASSWORD }),
      },
      server.pid,
    ),
  );
  const sort = 'limit=50&sortBy=name&sortDirection=asc';
  const paths: Record<ListOp, string> = {
    first: `/api/auth/admin/list-users?${sort}`,
    deep: `/api/auth/admin/list-users?${sort}&offset=${Math.floor(USERS / 2)}`,
    role: `/api/auth/admin/list-users?${sort}&filterField=role&filterValue=admin`,
    search: `/api/auth/admin/list-users?${sort}&searchField=name&searchOperator=contains&searchValue=${SEARCH.term}`,
    searchCommon: `/api/auth/admin/list-users?${sort}&searchField=name&searchOperator=contains&searchValue=${SEARCH.commonTerm}`,
  };
  const list: Partial<Record<ListOp, LatencyFigure>> = {};
  let rss = signIn.rss;
  for (const op of Object.keys(paths) as ListOp[]) {
    log(`better-auth: list-users ${op} ...`);
    const r = count(
      await measure(
        {
          url: server.url + paths[op],
          connections: CONNECTIONS.list,
          duration: SECONDS.list,
          headers: { cookie },
        },
        server.pid,
      ),
    );
    list[op] = latency(r);
    rss = Math.max(rss, r.rss);
  }
  return { signIn: signIn.rps, getSession, list: list as Record<ListOp, LatencyFigure>, rss, failed };
}

async function main(): Promise<number> {
  const machine = describeMachine();
  const date = new Date().toISOString().slice(0, 10);
  log(
    `${QUICK ? 'quick' : 'full'} run: ${USERS.toLocaleString('en-US')} users on ${machine.cpu} × ${machine.cores}, load ${machine.loadAtStart}`,
  );
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  // Run as root, PostgreSQL runs as the `postgres` user, which must be able to enter the data under it.
  chmodSync(work, 0o755);
  const ctx: Context = {
    work,
    serverEntry: '',
    hash: '',
    postgres: null,
    bare: null,
    peer: null,
    searchMatches: { term: 0, common: 0 },
    deepRow: 0,
    notes: [],
  };
  const report: RunReport = {
    date,
    mode: QUICK ? 'quick' : 'full',
    machine,
    users: USERS,
    hashConcurrency: HASH_CONCURRENCY,
    connections: CONNECTIONS,
    seconds: { me: SECONDS.me, signIn: SECONDS.signIn, list: SECONDS.list },
    rounds: ROUNDS,
    search: { term: SEARCH.term, matches: 0, commonTerm: SEARCH.commonTerm, commonMatches: 0 },
    deepRow: 0,
    bare: Number.NaN,
    sqlite: null,
    postgres: null,
    peer: null,
    notes: ctx.notes,
    ...(ONLY ? { only: ONLY } : {}),
  };
  try {
    ctx.serverEntry = await buildServer();
    ctx.hash = await argon2Hash(PASSWORD, { algorithm: 2 as Algorithm, ...PRODUCTION_ARGON2, outputLen: 32 });
    if (ONLY === undefined) ctx.bare = await startBare();
    if (WITH_PEER) {
      try {
        ctx.peer = await startPeer(ctx);
      } catch (error) {
        ctx.notes.push(`better-auth could not run: ${(error as Error).message.split('\n')[0]}`);
        log(`better-auth could not run: ${(error as Error).stack}`);
      }
    }
    try {
      report.sqlite = await benchGatehouse('sqlite', ctx);
    } catch (error) {
      ctx.notes.push(`SQLite run failed: ${(error as Error).message.split('\n')[0]}`);
      log(`SQLite run failed: ${(error as Error).stack}`);
    }
    rmSync(join(work, 'gatehouse.sqlite'), { force: true });
    try {
      log('starting embedded PostgreSQL ...');
      ctx.postgres = await startPostgres(work);
      report.postgres = await benchGatehouse('postgres', ctx);
    } catch (error) {
      ctx.notes.push(`PostgreSQL run failed: ${(error as Error).message.split('\n')[0]}`);
      log(`PostgreSQL run failed: ${(error as Error).stack}`);
    } finally {
      await ctx.postgres?.stop().catch(() => undefined);
    }
    if (ctx.peer) {
      const sessions = [report.sqlite?.peerGetSession, report.postgres?.peerGetSession].filter(
        (n): n is number => n !== undefined && Number.isFinite(n),
      );
      const getSession = sessions.length ? sessions.reduce((a, b) => a + b, 0) / sessions.length : Number.NaN;
      try {
        report.peer = await benchPeer(ctx, getSession);
      } catch (error) {
        ctx.notes.push(`better-auth run failed: ${(error as Error).message.split('\n')[0]}`);
        log(`better-auth run failed: ${(error as Error).stack}`);
      }
    }
    const bares = [report.sqlite?.bare, report.postgres?.bare].filter(
      (n): n is number => n !== undefined && Number.isFinite(n),
    );
    report.bare = bares.length ? bares.reduce((a, b) => a + b, 0) / bares.length : Number.NaN;
  } finally {
    await ctx.peer?.server.stop();
    await ctx.bare?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  report.search.matches = ctx.searchMatches.term;
  report.search.commonMatches = ctx.searchMatches.common;
  report.deepRow = ctx.deepRow;

  process.stdout.write(`\n${ONLY ? onlyTable(report) : markdownTable(report)}\n\n`);
  const variant =
    (option('--hash-concurrency') ? `-hash${HASH_CONCURRENCY}` : '') + (ONLY ? `-only-${ONLY}` : '');
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  // Every run keeps its own record: a second run on the same day and machine gets -2, and so on.
  const base = `${date}-${machine.name}${QUICK ? '-quick' : ''}${variant}`;
  let resultsName = `${base}.md`;
  for (let n = 2; existsSync(join(resultsDir, resultsName)); n += 1) resultsName = `${base}-${n}.md`;
  const resultsPath = join(resultsDir, resultsName);
  writeFileSync(resultsPath, resultsMarkdown(report));
  log(`saved ${relative(ROOT, resultsPath)}`);
  writeFileSync(resultsPath.replace(/\.md$/, '.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (!QUICK && !variant) {
    writeFileSync(join(ROOT, 'bench', 'results', 'latest.svg'), svgChart(report));
    // The README's summary and bench/README.md's full record, both from this report.
    const written = writeBenchReadmes(ROOT, report, resultsName);
    log(`README.md ${written.readme ? 'summary updated' : 'has no bench markers; not updated'}`);
    log(`bench/README.md ${written.benchReadme ? 'record updated' : 'has no bench markers; not updated'}`);
  }
  return report.sqlite && report.postgres ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
