import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app/build-app.js';
import type { MailTransport } from '../src/modules/mail/index.js';
import { loadConfig, type Config } from '../src/config/config.js';
import type { DbHandle } from '../src/db/db.js';
import {
  createArgon2Hasher,
  type Argon2Params,
  type PasswordHasher,
} from '../src/modules/passwords/index.js';
import { createUser, type Role } from '../src/modules/users/index.js';
import { cliContext } from '../src/shared/context.js';
import { ManualClock } from './clock.js';
import { closeAfterFile } from './file-cleanup.js';
import { freshDatabase } from './database.js';
import { testSecretBox } from './secrets.js';
import { settingsOf } from './settings.js';
import type { SettingsReader } from '../src/config/settings-in-force.js';

/*
 * Apps are usually built inside tests, and vitest never runs an `afterAll` registered there; so
 * every app and database registers its cleanup with test/file-cleanup.ts, which closes them all at
 * the end of the file (also when test files share a worker and this module is loaded once).
 */

/** Cheap argon2id for tests; SEC-PS-01 tests the production parameters separately. */
export const TEST_ARGON2: Argon2Params = { memoryCost: 64, timeCost: 1, parallelism: 1 };

export interface TestApp {
  app: FastifyInstance;
  db: DbHandle;
  clock: ManualClock;
  config: Config;
  hasher: PasswordHasher;
  /** Every JSON log line the app wrote. */
  logs: string[];
  deps: {
    db: DbHandle['db'];
    clock: ManualClock;
    hasher: PasswordHasher;
    config: Config;
    settings: SettingsReader;
  };
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  hasher?: PasswordHasher;
  transport?: MailTransport;
}

/** Builds the real app on a fresh database of the suite's dialect; closed automatically after the file. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ PUBLIC_URL: 'http://localhost:8080', LOG_LEVEL: 'info', ...options.env });
  const database = await freshDatabase();
  const clock = new ManualClock();
  const hasher = options.hasher ?? createArgon2Hasher(TEST_ARGON2, 4, config.hashShare);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp({
    config,
    database: database.handle,
    clock,
    hasher,
    secrets: testSecretBox(),
    logStream,
    ...(options.transport ? { transport: options.transport } : {}),
  });
  await app.ready();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await database.drop();
  };
  closeAfterFile(close);
  return {
    app,
    db: database.handle,
    clock,
    config,
    hasher,
    logs,
    deps: {
      db: database.handle.db,
      clock,
      hasher,
      config,
      settings: settingsOf(config),
    },
    close,
  };
}

let counter = 0;
export const STRONG_PASSWORD = 'correct horse battery staple 42';

/** Creates a user through the service (not HTTP). With `temporary: false` the password is the user's own. */
export async function seedUser(
  t: TestApp,
  input: { email?: string; name?: string; role?: Role; password?: string; temporary?: boolean } = {},
): Promise<{ id: string; email: string; password: string }> {
  counter += 1;
  const email = input.email ?? `user${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = input.password ?? STRONG_PASSWORD;
  const { user } = await createUser(t.deps, cliContext(), {
    email,
    name: input.name ?? `Test Person ${counter}`,
    role: input.role ?? 'member',
    password: { password },
    temporary: input.temporary ?? false,
  });
  return { id: user.id, email: user.email, password };
}

/** Extracts `name=value` of the session cookie from a response, for the next request's Cookie header. */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const found = all.find((c) => c.includes('gatehouse_session=') && !c.includes('gatehouse_session=;'));
  if (!found) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return found.split(';')[0] ?? '';
}

export async function signIn(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed ${res.statusCode}: ${res.body}`);
  return sessionCookieOf(res);
}

/** A signed-in user of the given role, with their cookie. */
export async function signedIn(t: TestApp, role: Role = 'member') {
  const user = await seedUser(t, { role });
  const cookie = await signIn(t, user.email, user.password);
  return { ...user, cookie };
}

export function request(
  t: TestApp,
  cookie: string | null,
  options: InjectOptions,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    ...options,
    headers: { ...(cookie ? { cookie } : {}), ...options.headers },
  }) as Promise<LightMyRequestResponse>;
}

/**
 * Two app nodes on one database, each with its own connection (pool), sharing one clock: what a
 * scaled-out deployment looks like to the database (SEC-SES-06 "on every node", SEC-RST-04 across nodes).
 * SQLite uses a temporary file, since every `:memory:` connection is its own database. Closed after the file.
 * (Imports are inside the function so that this helper stays one additive block.)
 */
export async function buildTwoNodes(options: TestAppOptions = {}): Promise<[TestApp, TestApp]> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createDb } = await import('../src/db/db.js');
  const { TEST_DIALECT } = await import('./database.js');

  const config = loadConfig({ PUBLIC_URL: 'http://localhost:8080', LOG_LEVEL: 'info', ...options.env });
  const dir = TEST_DIALECT === 'sqlite' ? mkdtempSync(join(tmpdir(), 'gatehouse-nodes-')) : null;
  const database = await freshDatabase(dir ? { sqlitePath: join(dir, 'shared.sqlite') } : {});
  const second = createDb(
    TEST_DIALECT === 'sqlite'
      ? { kind: 'sqlite', path: database.url }
      : { kind: 'postgres', url: database.url },
  );
  const clock = new ManualClock();
  const hasher = options.hasher ?? createArgon2Hasher(TEST_ARGON2, 4);

  const node = async (handle: DbHandle): Promise<TestApp> => {
    const logs: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({
      config,
      database: handle,
      clock,
      hasher,
      secrets: testSecretBox(),
      logStream,
      ...(options.transport ? { transport: options.transport } : {}),
    });
    await app.ready();
    return {
      app,
      db: handle,
      clock,
      config,
      hasher,
      logs,
      deps: { db: handle.db, clock, hasher, config, settings: settingsOf(config) },
      close: closeAll,
    };
  };

  let closed = false;
  const nodes: TestApp[] = [];
  async function closeAll(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const n of nodes) await n.app.close();
    await second.close();
    await database.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  closeAfterFile(closeAll);
  nodes.push(await node(database.handle), await node(second));
  return [nodes[0] as TestApp, nodes[1] as TestApp];
}
