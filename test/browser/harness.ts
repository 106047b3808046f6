/**
 * The browser tests' world: the built console served by a REAL Gatehouse server (listening on a free
 * port, a temporary SQLite file, the mail dispatcher polling every second, mail sent over SMTP to a
 * real SMTP capture when asked for), and Debian's Chromium driven by playwright-core.
 *
 * Time moves for real here (the dispatcher polls, sessions are stamped with the wall clock): waits
 * are bounded polls, never fixed sleeps.
 *
 * This file imports nothing from vitest (scripts/screenshots.ts uses it too); the SMTP capture
 * (test/smtp.ts, which does import vitest) is loaded only by startBrowserHarness.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { buildApp } from '../../src/app/build-app.js';
import { packageRoot } from '../../src/app/console.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createDb, type DbHandle } from '../../src/db/db.js';
import { issueSetupLink } from '../../src/modules/auth/index.js';
import { createArgon2Hasher, type Argon2Params } from '../../src/modules/passwords/index.js';
import { createUser, type Role } from '../../src/modules/users/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { cliContext } from '../../src/shared/context.js';
import type { ReceivedMail, SmtpCapture } from '../smtp.js';
import { freePort } from '../../scripts/embedded-postgres.mjs';
import { testSecretBox } from '../secrets.js';
import { settingsOf } from '../settings.js';

/** Cheap argon2id (the same as test/harness.ts): the browser tests are about the console, not hashing cost. */
const FAST_ARGON2: Argon2Params = { memoryCost: 64, timeCost: 1, parallelism: 1 };

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ROOT = packageRoot();
const WEB = join(ROOT, 'web');
const DIST_INDEX = join(WEB, 'dist', 'index.html');

/** The newest modification time under a path (a file, or a folder walked recursively). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds the console (`vite build`) when web/dist is missing or older than its sources, so the tests
 * always drive the console as it is in the tree. Returns whether it built.
 */
export function ensureConsoleBuilt(): boolean {
  const built = existsSync(DIST_INDEX) ? statSync(DIST_INDEX).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(join(WEB, 'src')),
    newestMtime(join(WEB, 'index.html')),
    newestMtime(join(WEB, 'vite.config.ts')),
  );
  if (built > sources) return false;
  const result = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0 || !existsSync(DIST_INDEX)) {
    throw new Error(`the console build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return true;
}

export interface ConsoleServer {
  /** `http://localhost:PORT`: PUBLIC_URL, so mailed links open this very server. */
  url: string;
  app: FastifyInstance;
  config: Config;
  database: DbHandle;
  /** The one-time setup link (the server has no user yet when it starts). */
  setupLink: string;
  /** Creates a user through the service (no HTTP); `temporary: false` makes the password the user's own. */
  seedUser(input: {
    email: string;
    name: string;
    role?: Role;
    password: string;
    temporary?: boolean;
  }): Promise<{ id: string; email: string; name: string; password: string }>;
  close(): Promise<void>;
}

/**
 * Starts a real Gatehouse on a free port: the same app startServer builds (buildApp), listening
 * for real, migrating a temporary SQLite file, with the mail dispatcher started. The only
 * differences from production are the cheap password hashing and the quiet log.
 */
export async function startConsoleServer(
  options: { smtpUrl?: string; env?: Record<string, string> } = {},
): Promise<ConsoleServer> {
  ensureConsoleBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATABASE_URL: join(dir, 'gatehouse.sqlite'),
    LOG_LEVEL: 'error',
    ORGANIZATION_NAME: 'Acme',
    MAIL_FROM: 'Acme Accounts <accounts@acme.test>',
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...options.env,
  });
  const database = createDb(config.database);
  await database.migrate();
  const hasher = createArgon2Hasher(FAST_ARGON2, 4);
  const app = await buildApp({ config, database, clock: systemClock, hasher, secrets: testSecretBox() });
  await app.listen({ port, host: config.host });
  app.mail.dispatcher.start();
  const setupLink = await issueSetupLink({ config, clock: systemClock, db: database.db });
  if (!setupLink) throw new Error('a fresh database should need setup');

  const deps = {
    db: database.db,
    clock: systemClock,
    hasher,
    config,
    settings: settingsOf(config),
  };
  let closed = false;
  return {
    url,
    app,
    config,
    database,
    setupLink,
    async seedUser(input) {
      const { user } = await createUser(deps, cliContext(), {
        email: input.email,
        name: input.name,
        role: input.role ?? 'member',
        password: { password: input.password },
        temporary: input.temporary ?? false,
      });
      return { id: user.id, email: user.email, name: user.name, password: input.password };
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface BrowserHarness {
  server: ConsoleServer;
  /** The SMTP receiver the server mails to: every message the dispatcher sent. */
  smtp: SmtpCapture;
  browser: Browser;
  url: string;
  /** A new, isolated browser (its own cookies): one person at one computer. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/** Everything together: the SMTP capture, the server mailing to it, and Chromium. */
export async function startBrowserHarness(): Promise<BrowserHarness> {
  const { startSmtpCapture } = await import('../smtp.js');
  const smtp = await startSmtpCapture();
  let server: ConsoleServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startConsoleServer({ smtpUrl: smtp.url });
    browser = await launchChromium();
  } catch (error) {
    await server?.close();
    await smtp.stop();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  const b = browser;
  const s = server;
  return {
    server: s,
    smtp,
    browser: b,
    url: s.url,
    async newPage(options = {}) {
      const context = await b.newContext({ viewport: { width: 1280, height: 800 }, ...options });
      context.setDefaultTimeout(10_000);
      context.setDefaultNavigationTimeout(15_000);
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await b.close().catch(() => undefined);
      await s.close();
      await smtp.stop();
    },
  };
}

/** Signs in from the sign-in page, as a person would, and waits to be let in (or sent to the change page). */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await submitSignIn(page, email, password);
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}

/** The browser state (cookies, storage) of each person signed in by signedInPage, per harness. */
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
const signedInStates = new WeakMap<BrowserHarness, Map<string, StorageState>>();

/**
 * A new browser (context) signed in as this person, showing `path` once `ready` resolves. The first
 * call in a file signs in through the form; later ones start from that browser's cookies and storage
 * while the session is still valid, and sign in through the form again when it has ended (a test
 * signed the person out, say). For tests that are not about signing in: a sign-in per test was
 * seconds of a browser file.
 */
export async function signedInPage(
  h: BrowserHarness,
  who: { email: string; password: string },
  options: { path: string; ready: (page: Page) => Promise<unknown>; context?: BrowserContextOptions },
): Promise<Page> {
  let states = signedInStates.get(h);
  if (!states) signedInStates.set(h, (states = new Map()));
  const saved = states.get(who.email);
  const page = await h.newPage({ ...options.context, ...(saved ? { storageState: saved } : {}) });
  if (saved) {
    await page.goto(`${h.url}${options.path}`);
    const outcome = await Promise.race([
      options.ready(page).then(
        () => 'in' as const,
        () => 'out' as const,
      ),
      page
        .waitForURL((u) => u.pathname === '/sign-in')
        .then(
          () => 'out' as const,
          () => 'out' as const,
        ),
    ]);
    if (outcome === 'in') return page;
  }
  await signIn(page, h.url, who.email, who.password);
  if (new URL(page.url()).pathname !== options.path) await page.goto(`${h.url}${options.path}`);
  await options.ready(page);
  states.set(who.email, await page.context().storageState());
  return page;
}

/** Fills and submits the sign-in form on the current page (no waiting for the outcome). */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * The newest message to `address` that satisfies `match`, waiting for it (bounded: the dispatcher
 * polls every second). `after` skips messages already there before the action that sends it.
 */
export async function waitForMail(
  smtp: SmtpCapture,
  address: string,
  options: { after?: number; match?: (mail: ReceivedMail) => boolean; timeoutMs?: number } = {},
): Promise<ReceivedMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const found = smtp
      .to(address)
      .filter((m) => smtp.messages.indexOf(m) >= (options.after ?? 0))
      .filter((m) => !options.match || options.match(m));
    const last = found.at(-1);
    if (last) return last;
    if (Date.now() > deadline) {
      const seen = smtp.to(address).map((m) => m.subject);
      throw new Error(`no matching mail to ${address} within the wait; got: ${JSON.stringify(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first link in a text that opens `path` on the console (e.g. /invitations/accept). */
export function linkIn(text: string, path: string): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`https?://[^\\s"<>]+${escaped}\\?token=[A-Za-z0-9_-]+`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return match[0];
}

const AXE_PATH = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on the page as it is now and returns the serious and critical violations.
 * axe is evaluated through the DevTools protocol (page.evaluate), which the page's CSP
 * (script-src 'self') does not apply to: no <script> is injected and no CSP is bypassed.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) {
    const { readFileSync } = await import('node:fs');
    await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  }
  // Let opening menus and dialogs finish fading in: half-transparent text would fail color-contrast.
  await page.evaluate(`
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ])
  `);
  const violations = (await page.evaluate(`
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((result) => result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
      })))
  `)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
