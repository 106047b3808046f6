import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from '../../src/config/config.js';
import { createDb, type DbHandle } from '../../src/db/db.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../../src/modules/passwords/index.js';
import { createUser, type Role } from '../../src/modules/users/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { cliContext } from '../../src/shared/context.js';
import { freePort } from '../../scripts/embedded-postgres.mjs';
import { TEST_SECRET_KEY } from '../secrets.js';
import { GATEHOUSE_ARGS } from '../cli/entry.js';
import { settingsOf } from '../settings.js';

/**
 * Real Gatehouse server processes for the scale-out and resilience tests: `gatehouse serve` started
 * as an operator starts it (`node --import tsx src/cli/main.ts serve`), configured only through the
 * environment, talked to over real TCP with node:http (so a reset connection is seen as one).
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'src/cli/main.ts');
export const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Passes the password policy: long, not on the blocklist, no context words. */
export const PASSWORD = 'violet harbour lantern 1977 quietly';

export { freePort };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads JSON bodies loosely
  body: any;
}

export interface CallOptions {
  body?: unknown;
  cookie?: string;
  bearer?: string;
  agent?: http.Agent;
  timeoutMs?: number;
}

/** One HTTP request over TCP. Rejects on a network error (refused, reset), resolves with any status. */
export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers, agent: options.agent ?? false, timeout: options.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `name=value` of the session cookie a sign-in set. */
export function sessionCookie(reply: Reply): string {
  const all = reply.headers['set-cookie'] ?? [];
  const found = all.find((c) => /gatehouse_session=[^;]/.test(c));
  if (!found) throw new Error(`no session cookie in ${reply.status}: ${reply.text}`);
  return found.split(';')[0] ?? '';
}

export async function signIn(base: string, email: string, password: string): Promise<string> {
  const reply = await call(base, 'POST', '/api/v1/auth/sign-in', { body: { email, password } });
  if (reply.status !== 200) throw new Error(`sign-in of ${email} at ${base}: ${reply.status} ${reply.text}`);
  return sessionCookie(reply);
}

/** Whether a TCP connection to the port is accepted right now. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

export interface GatehouseProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident set size in KiB, from /proc/<pid>/status. */
  rssKb(): number;
  /** SIGTERM and wait (SIGKILL after a bound); safe to call after it exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  /** Node options before the script (e.g. `--expose-gc`). */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
  /** What "started" means: /readyz answers 200 (default), or only /healthz (a node expected to be unready). */
  waitFor?: '/readyz' | '/healthz';
}

/** Starts `gatehouse serve` and waits (bounded) until /readyz (or options.waitFor) answers 200. */
export async function startGatehouse(options: StartOptions): Promise<GatehouseProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...GATEHOUSE_ARGS, 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: 'warn',
      // The server's default is one hashing thread per core; the tests' loads are sized for two, on any
      // machine (with eight, the SIGTERM test's slow sign-ins would all be done before the signal).
      HASH_CONCURRENCY: '2',
      // Every node of a deployment seals stored secrets with the same key (SEC-MFA-02).
      SECRET_KEY: TEST_SECRET_KEY,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => (done = true));
  const pid = child.pid ?? 0;

  const proc: GatehouseProcess = {
    url,
    port,
    pid,
    child,
    output: () => output,
    exited,
    rssKb() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (!match) throw new Error(`no VmRSS for ${pid}`);
      return Number(match[1]);
    },
    async stop() {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 45_000);
  for (;;) {
    if (done) throw new Error(`gatehouse exited before it was ready:\n${output}`);
    const ready = await call(url, 'GET', options.waitFor ?? '/readyz', { timeoutMs: 2_000 }).catch(
      () => null,
    );
    if (ready?.status === 200) return proc;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(
        `gatehouse not ready within the bound (last: ${ready?.status ?? 'no answer'}):\n${output}`,
      );
    }
    await sleep(100);
  }
}

/** Polls GET /readyz until it answers `status`, bounded; returns how long it took. */
export async function waitForReadyz(base: string, status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last: number | string = 'none';
  while (Date.now() - started < timeoutMs) {
    const reply = await call(base, 'GET', '/readyz', { timeoutMs: 5_000 }).catch((e: Error) => e.message);
    last = typeof reply === 'string' ? reply : reply.status;
    if (last === status) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`/readyz did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/** Opens the database the processes use, for seeding and for checking what they wrote. */
export function openDatabase(databaseUrl: string): DbHandle {
  return createDb(
    /^postgres(ql)?:\/\//.test(databaseUrl)
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'sqlite', path: databaseUrl },
    { poolSize: 4 },
  );
}

/**
 * Creates a user through the users service (as `gatehouse admin create` would, but with the user's
 * own, non-temporary password), hashed with the production parameters so sign-ins cost what they cost.
 */
export async function seedUser(
  handle: DbHandle,
  input: { email: string; name?: string; role?: Role; password?: string },
): Promise<{ id: string; email: string; password: string }> {
  const config = loadConfig({ PUBLIC_URL: 'http://localhost:8080' });
  const password = input.password ?? PASSWORD;
  const deps = {
    db: handle.db,
    clock: systemClock,
    hasher: createArgon2Hasher(PRODUCTION_ARGON2, 1),
    config,
    settings: settingsOf(config),
  };
  const { user } = await createUser(deps, cliContext(), {
    email: input.email,
    name: input.name ?? input.email.split('@')[0] ?? 'Someone',
    role: input.role ?? 'member',
    password: { password },
    temporary: false,
  });
  return { id: user.id, email: user.email, password };
}
