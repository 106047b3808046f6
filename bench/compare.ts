/**
 * `npm run bench:compare -- [baseline.json] [run.json]`: two saved `npm run bench` runs side by side, for the
 * figures a runtime or driver change can move (GET /me, sign-in, the 1,000,000-user list), with the change in
 * per cent. By default: the last run on Node 20 + better-sqlite3 12 (bench/results/2026-11-28-vm-4.json)
 * against the newest full run in bench/results. Throughput is compared both raw and as the ratio to its own
 * reference measured in the same run (the bare route, raw argon2id), which a shared machine's load moves less.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const DEFAULT_BASELINE = join(RESULTS, '2026-11-28-vm-4.json');

interface Side {
  raw: number;
  signIn: number;
  bare: number;
  meCookie: number;
  meToken: number;
  floodMeP99: number;
  list: Record<'first' | 'deep' | 'role' | 'search', { p99: number }>;
}
interface Run {
  date: string;
  mode: string;
  machine: { node: string; sqliteDriver?: string; loadAtStart: number };
  sqlite: Side;
  postgres: Side;
}

function newestFullRun(): string {
  const files = readdirSync(RESULTS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(RESULTS, f))
    .filter((f) => (JSON.parse(readFileSync(f, 'utf8')) as Run).mode === 'full')
    .sort();
  const newest = files.at(-1);
  if (!newest) throw new Error('no full run in bench/results');
  return newest;
}

const [baselineFile = DEFAULT_BASELINE, runFile = newestFullRun()] = process.argv.slice(2);
const before = JSON.parse(readFileSync(baselineFile, 'utf8')) as Run;
const after = JSON.parse(readFileSync(runFile, 'utf8')) as Run;
const driver = (r: Run) => r.machine.sqliteDriver ?? 'better-sqlite3 12';

/** higher: throughput (more is better); lower: latency (less is better). */
const rows: Array<[string, (s: Side) => number, 'higher' | 'lower', string]> = [
  ['GET /me, cookie (req/s)', (s) => s.meCookie, 'higher', '%'],
  ['GET /me cookie ÷ bare route', (s) => s.meCookie / s.bare, 'higher', 'ratio'],
  ['GET /me, API token (req/s)', (s) => s.meToken, 'higher', '%'],
  ['GET /me token ÷ bare route', (s) => s.meToken / s.bare, 'higher', 'ratio'],
  ['GET /me p99 during a sign-in flood (ms)', (s) => s.floodMeP99, 'lower', 'ms'],
  ['POST /auth/sign-in (req/s)', (s) => s.signIn, 'higher', '%'],
  ['sign-in ÷ raw argon2id', (s) => s.signIn / s.raw, 'higher', 'ratio'],
  ['users list first page p99 (ms)', (s) => s.list.first.p99, 'lower', 'ms'],
  ['users list deep page p99 (ms)', (s) => s.list.deep.p99, 'lower', 'ms'],
  ['users list role filter p99 (ms)', (s) => s.list.role.p99, 'lower', 'ms'],
  ['users list search p99 (ms)', (s) => s.list.search.p99, 'lower', 'ms'],
];

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));
console.log(
  `Before: ${relative(ROOT, baselineFile)} (${before.date}, Node ${before.machine.node}, ${driver(before)}, load ${before.machine.loadAtStart})`,
);
console.log(
  `After:  ${relative(ROOT, runFile)} (${after.date}, Node ${after.machine.node}, ${driver(after)}, load ${after.machine.loadAtStart})\n`,
);
let worse = 0;
for (const dialect of ['sqlite', 'postgres'] as const) {
  console.log(`\n${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}\n`);
  console.log('| measure | before | after | change |\n| --- | --- | --- | --- |');
  for (const [label, read, better] of rows) {
    const a = read(before[dialect]);
    const b = read(after[dialect]);
    const change = better === 'higher' ? (b - a) / a : (a - b) / a;
    const flag = change < -0.1 ? ' ⚠️ worse by more than 10 %' : '';
    if (flag) worse += 1;
    console.log(
      `| ${label} | ${fmt(a)} | ${fmt(b)} | ${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)} %${flag} |`,
    );
  }
}
console.log(`\n${worse} figure(s) worse by more than 10 % (positive change = better, for latency too).`);
