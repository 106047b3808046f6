/**
 * Issue 18 item 10: the same figures for several builds of Gatehouse, each on its own runtime,
 * measured in alternating slices in one run, so that a shared machine's changing speed weighs on
 * every build alike. Runs taken minutes or days apart on this machine differ by 20–40 % on their own
 * (the bare Fastify route alone moves between 19k and 34k req/s), which is more than the 10 % the
 * issue allows; only an interleaved run can tell a runtime's effect from the machine's mood.
 *
 *   npm run bench:ab -- --target 'label|node binary|checkout' [--target …] [--quick]
 *
 * Each checkout must hold its compiled server in tmp/ab-build (its own `tsc -p tsconfig.build.json
 * --outDir tmp/ab-build`) and its node_modules; the node binary is the runtime it runs on. Every
 * target gets its own copy of one seeded database per dialect, migrated by its own code (`migrate`).
 * Figures: GET /me with a session cookie (req/s), POST /auth/sign-in (req/s), and the users list's
 * p50/p99 for the first page, a deep page, the role filter and a substring search.
 * docs/adr/0004-node-sqlite.md holds the run that compared Node 20 + better-sqlite3 12 with Node 24 +
 * node:sqlite, on the commits just before and at the switch, and today's main beside them.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import pg from 'pg';
import { PRODUCTION_ARGON2 } from '../src/modules/passwords/index.js';
import { generateSecretKey } from '../src/shared/secret-box.js';
import { load, percentile, type LoadSpec } from './lib/load.js';
import { describeMachine } from './lib/machine.js';
import { startPostgres } from './lib/postgres.js';
import { freePort, serverNodeFlags, signInCookie, startChild, type Child } from './lib/process.js';
import { benchUser, seedPostgres, seedSqlite } from './lib/seed.js';

interface Target {
  label: string;
  node: string;
  checkout: string;
}

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const targets: Target[] = argv.flatMap((arg, i) => {
  if (argv[i - 1] !== '--target') return [];
  const [label, node, checkout] = arg.split('|');
  if (!label || !node || !checkout)
    throw new Error(`--target wants 'label|node binary|checkout', not ${arg}`);
  return [{ label, node, checkout }];
});
if (targets.length < 2) throw new Error('give two --target or more');

const USERS = QUICK ? 100_000 : 1_000_000;
const ROUNDS = 3;
const SECONDS = QUICK ? { warm: 2, me: 3, signIn: 4, list: 3 } : { warm: 3, me: 5, signIn: 6, list: 5 };
const PASSWORD = 'bench-password-1234-xyz';
const SEARCH_TERM = 'kovmar';

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`[ab ${Math.round((Date.now() - started) / 1000)} s] ${line}\n`);

const entry = (t: Target) => join(t.checkout, 'tmp', 'ab-build', 'src', 'cli', 'main.js');

function serverEnv(databaseUrl: string, port: number, secretKey: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    HASH_CONCURRENCY: '2',
    SECRET_KEY: secretKey,
  };
}

/** The deep page's cursor as the target's own code encodes it (the format changed over time). */
function deepCursor(t: Target, nameKey: string, id: string): string {
  const script = `import(${JSON.stringify(join(t.checkout, 'tmp', 'ab-build', 'src', 'modules', 'users', 'cursor.js'))}).then((m) => process.stdout.write(m.encodeCursor({ s: 'name', o: 'asc', v: ${JSON.stringify(nameKey)}, i: ${JSON.stringify(id)} })))`;
  return execFileSync(t.node, ['--input-type=module', '-e', script], { cwd: t.checkout }).toString();
}

interface Figures {
  me: number;
  signIn: number;
  list: Record<'first' | 'deep' | 'role' | 'search', { p50: number; p99: number }>;
}

/** Runs `spec(target)` for every target in turn, ROUNDS times; answers each one's total. */
async function interleaved(
  servers: Array<{ target: Target; server: Child }>,
  spec: (i: number) => LoadSpec,
  seconds: number,
  collect: (i: number, r: Awaited<ReturnType<typeof load>>) => void,
): Promise<void> {
  for (let i = 0; i < servers.length; i += 1) {
    const { keepLatencies: _notKept, ...warm } = spec(i);
    await load({ ...warm, duration: SECONDS.warm });
  }
  for (let round = 0; round < ROUNDS; round += 1)
    for (let i = 0; i < servers.length; i += 1) collect(i, await load({ ...spec(i), duration: seconds }));
}

async function benchDialect(dialect: 'sqlite' | 'postgres', work: string, hash: string): Promise<Figures[]> {
  const postgres = dialect === 'postgres' ? await startPostgres(work) : null;
  const secretKey = generateSecretKey();
  const servers: Array<{ target: Target; server: Child }> = [];
  try {
    // One database per target, migrated by the target's own code, then seeded alike.
    const urls: string[] = [];
    for (let i = 0; i < targets.length; i += 1) {
      const target = targets[i] as Target;
      const url = postgres ? await postgres.createDatabase(`ab_${i}`) : join(work, `ab-${i}.sqlite`);
      execFileSync(target.node, [entry(target), 'migrate'], {
        cwd: target.checkout,
        env: { PATH: process.env.PATH ?? '', ...serverEnv(url, 0, secretKey) },
        stdio: 'ignore',
      });
      log(`${dialect}: seeding ${USERS.toLocaleString('en-US')} users for ${target.label} ...`);
      if (postgres) await seedPostgres(url, USERS, hash);
      else seedSqlite(url, USERS, hash);
      urls.push(url);
    }
    const deep = async (url: string): Promise<{ nameKey: string; id: string }> => {
      if (!postgres) {
        const { DatabaseSync } = await import('node:sqlite');
        const db = new DatabaseSync(url, { readOnly: true });
        const row = db
          .prepare('select name_key as nameKey, id from users order by name_key, id limit 1 offset ?')
          .get(USERS / 2 - 1) as { nameKey: string; id: string };
        db.close();
        return row;
      }
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ nameKey: string; id: string }>(
        'select name_key as "nameKey", id from users order by name_key, id limit 1 offset $1',
        [USERS / 2 - 1],
      );
      await c.end();
      return rows[0] as { nameKey: string; id: string };
    };

    for (let i = 0; i < targets.length; i += 1) {
      const target = targets[i] as Target;
      const port = await freePort();
      servers.push({
        target,
        server: await startChild({
          name: target.label,
          command: target.node,
          args: [...serverNodeFlags(target.checkout), entry(target), 'serve'],
          cwd: target.checkout,
          env: serverEnv(urls[i] as string, port, secretKey),
          port,
          readyPath: '/healthz',
        }),
      });
    }

    let admin = '';
    for (let k = 0; !admin; k += 1) {
      const row = benchUser(k, '');
      if (row[5] === 'admin' && row[6] === 'active') admin = row[1] as string;
    }
    const cookies = await Promise.all(servers.map(({ server }) => signInCookie(server.url, admin, PASSWORD)));
    const emails: string[] = [];
    for (let k = 0; k < USERS && emails.length < 2000; k += 1) {
      const row = benchUser(k, '');
      if (row[6] === 'active') emails.push(row[1] as string);
    }
    const deepRows = await Promise.all(urls.map((url) => deep(url)));
    const cursors = servers.map(({ target }, i) =>
      deepCursor(target, (deepRows[i] as { nameKey: string }).nameKey, (deepRows[i] as { id: string }).id),
    );

    const figures: Figures[] = servers.map(() => ({
      me: 0,
      signIn: 0,
      list: {
        first: { p50: 0, p99: 0 },
        deep: { p50: 0, p99: 0 },
        role: { p50: 0, p99: 0 },
        search: { p50: 0, p99: 0 },
      },
    }));

    log(`${dialect}: GET /api/v1/me, ${ROUNDS} rounds of ${SECONDS.me} s per target ...`);
    const me = servers.map(() => ({ ok: 0, s: 0 }));
    await interleaved(
      servers,
      (i) => ({
        url: `${(servers[i] as { server: Child }).server.url}/api/v1/me`,
        connections: 10,
        duration: SECONDS.me,
        headers: { cookie: cookies[i] as string },
      }),
      SECONDS.me,
      (i, r) => {
        (me[i] as { ok: number }).ok += r.ok;
        (me[i] as { s: number }).s += r.seconds;
        if (r.failed) throw new Error(`GET /me: ${r.failed} failed on ${servers[i]?.target.label}`);
      },
    );
    me.forEach((m, i) => ((figures[i] as Figures).me = m.ok / m.s));

    log(`${dialect}: POST /api/v1/auth/sign-in, ${ROUNDS} rounds of ${SECONDS.signIn} s per target ...`);
    let next = 0;
    const signIn = servers.map(() => ({ ok: 0, s: 0 }));
    await interleaved(
      servers,
      (i) => ({
        url: `${(servers[i] as { server: Child }).server.url}/api/v1/auth/sign-in`,
        method: 'POST',
        connections: 8,
        duration: SECONDS.signIn,
        headers: { 'content-type': 'application/json' },
        nextBody: () => JSON.stringify({ email: emails[(next += 1) % emails.length], password: PASSWORD }),
      }),
      SECONDS.signIn,
      (i, r) => {
        (signIn[i] as { ok: number }).ok += r.ok;
        (signIn[i] as { s: number }).s += r.seconds;
        if (r.failed) throw new Error(`sign-in: ${r.failed} failed on ${servers[i]?.target.label}`);
      },
    );
    signIn.forEach((m, i) => ((figures[i] as Figures).signIn = m.ok / m.s));

    const paths = (i: number) => ({
      first: '/api/v1/users?limit=50',
      deep: `/api/v1/users?limit=50&cursor=${encodeURIComponent(cursors[i] as string)}`,
      role: '/api/v1/users?limit=50&role=admin',
      search: `/api/v1/users?limit=50&q=${SEARCH_TERM}`,
    });
    for (const op of ['first', 'deep', 'role', 'search'] as const) {
      log(`${dialect}: GET /users (${op}), ${ROUNDS} rounds of ${SECONDS.list} s per target ...`);
      const latencies: number[][] = servers.map(() => []);
      await interleaved(
        servers,
        (i) => ({
          url: `${(servers[i] as { server: Child }).server.url}${paths(i)[op]}`,
          connections: 2,
          duration: SECONDS.list,
          headers: { cookie: cookies[i] as string },
          keepLatencies: latencies[i],
        }),
        SECONDS.list,
        (i, r) => {
          if (r.failed) throw new Error(`list ${op}: ${r.failed} failed on ${servers[i]?.target.label}`);
        },
      );
      latencies.forEach((l, i) => {
        l.sort((a, b) => a - b);
        (figures[i] as Figures).list[op] = { p50: percentile(l, 50), p99: percentile(l, 99) };
      });
    }
    return figures;
  } finally {
    for (const { server } of servers) await server.stop();
    await postgres?.stop();
  }
}

function table(dialect: string, figures: Figures[]): string {
  const base = figures[0] as Figures;
  const head = `| ${dialect} | ${targets.map((t) => t.label).join(' | ')} |`;
  const sep = `| --- | ${targets.map(() => '---').join(' | ')} |`;
  const change = (v: number, b: number, higherIsBetter: boolean) => {
    const pct = Math.round(((higherIsBetter ? v / b : b / v) - 1) * 100);
    return `${pct >= 0 ? '+' : '−'}${Math.abs(pct)} %`;
  };
  const row = (name: string, pick: (f: Figures) => number, fmt: (v: number) => string, higher: boolean) =>
    `| ${name} | ${figures
      .map((f, i) => (i === 0 ? fmt(pick(f)) : `${fmt(pick(f))} (${change(pick(f), pick(base), higher)})`))
      .join(' | ')} |`;
  const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
  const rps = (v: number) => `${Math.round(v).toLocaleString('en-US')} req/s`;
  return [
    head,
    sep,
    row('GET /me, cookie', (f) => f.me, rps, true),
    row(
      'POST /auth/sign-in',
      (f) => f.signIn,
      (v) => `${v.toFixed(1)} req/s`,
      true,
    ),
    ...(['first', 'deep', 'role', 'search'] as const).flatMap((op) => [
      row(`users list ${op}: p50`, (f) => f.list[op].p50, ms, false),
      row(`users list ${op}: **p99**`, (f) => f.list[op].p99, ms, false),
    ]),
  ].join('\n');
}

const machine = describeMachine();
const work = mkdtempSync(join(tmpdir(), 'gatehouse-ab-'));
chmodSync(work, 0o755);
try {
  log(`${targets.length} targets, ${USERS.toLocaleString('en-US')} users, load ${machine.loadAtStart}`);
  const hash = await argon2Hash(PASSWORD, { algorithm: 2 as Algorithm, ...PRODUCTION_ARGON2, outputLen: 32 });
  const sqlite = await benchDialect('sqlite', work, hash);
  for (let i = 0; i < targets.length; i += 1) rmSync(join(work, `ab-${i}.sqlite`), { force: true });
  const postgres = await benchDialect('postgres', work, hash);
  const out = [
    `# Runtime A/B, ${new Date().toISOString().slice(0, 10)}${QUICK ? ' (quick)' : ''}`,
    '',
    `Machine: ${machine.cpu} × ${machine.cores}, load average ${machine.loadAtStart} at the start. ` +
      `${USERS.toLocaleString('en-US')} users; every figure in ${ROUNDS} slices per target, the targets in turn ` +
      `(GET /me ${SECONDS.me} s with 10 connections, sign-in ${SECONDS.signIn} s with 8, each list ${SECONDS.list} s with 2). ` +
      'Changes are against the first column; positive is better, for latencies too.',
    '',
    ...targets.map((t) => `- ${t.label}: ${execFileSync(t.node, ['-v']).toString().trim()}, ${t.checkout}`),
    '',
    table('SQLite', sqlite),
    '',
    table('PostgreSQL', postgres),
    '',
  ].join('\n');
  process.stdout.write(`${out}\n`);
  // Every run keeps its own record: a later run the same day gets -2, -3 ….
  const base = join(
    'bench',
    'results',
    `${new Date().toISOString().slice(0, 10)}-runtime-ab${QUICK ? '-quick' : ''}`,
  );
  let file = `${base}.md`;
  for (let n = 2; existsSync(file); n += 1) file = `${base}-${n}.md`;
  writeFileSync(file, out);
  log(`saved ${file}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
