import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/app/console.js';
import {
  BENCH_README_BEGIN,
  BENCH_README_END,
  benchReadmeSection,
  README_BEGIN,
  README_END,
  readmeSummary,
  writeBenchReadmes,
} from '../../bench/lib/readme-writer.js';
import type { RunReport } from '../../bench/lib/report.js';

/**
 * The benchmark's two writers (issue 14): README.md gets a short summary, bench/README.md the full
 * record, both generated from a run's report. Checked on temporary copies with a saved record; no
 * benchmark runs here.
 */

const ROOT = packageRoot();
const read = (file: string) => readFileSync(file, 'utf8');
const between = (text: string, begin: string, end: string) =>
  text.slice(text.indexOf(begin), text.indexOf(end) + end.length);

/** The record the README names as the latest full run (`bench/results/<name>.md`, its .json beside it). */
function latestRecord(): { report: RunReport; name: string } {
  const match = /\]\(bench\/results\/([^)]+\.md)\)/.exec(
    between(read(join(ROOT, 'README.md')), README_BEGIN, README_END),
  );
  if (!match) throw new Error('README.md names no bench/results record between its bench markers');
  const name = match[1]!;
  const report = JSON.parse(
    read(join(ROOT, 'bench', 'results', name.replace(/\.md$/, '.json'))),
  ) as RunReport;
  return { report, name };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary root holding copies of README.md and bench/README.md. */
function copies(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-readme-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'bench'));
  copyFileSync(join(ROOT, 'README.md'), join(dir, 'README.md'));
  copyFileSync(join(ROOT, 'bench', 'README.md'), join(dir, 'bench', 'README.md'));
  return dir;
}

describe('the benchmark writers', () => {
  it('README gets the short summary (targets met, one compact table, a link to bench/README.md); bench/README.md the full record', () => {
    const { report, name } = latestRecord();
    const summary = readmeSummary(report, name);
    expect(summary.startsWith(README_BEGIN) && summary.endsWith(README_END)).toBe(true);
    expect(summary).toContain('(bench/README.md#latest-full-run)');
    expect(summary).toContain(`(bench/results/${name})`);
    expect(summary).toMatch(/\*\*\d+ of \d+\*\* target figures met/);
    // The headline figures, one compact row each, on both databases.
    for (const row of ['sign-in ÷ raw hash', '/me cookie ÷ bare', 'list p99, first page', 'peak RSS']) {
      expect(summary).toMatch(
        new RegExp(`\\n\\| ${row.replace(/[/÷]/g, '.')}[^|]* \\| [^|]+ [✅❌] \\| [^|]+ [✅❌] \\|`),
      );
    }
    expect(summary).toContain('/me p99 in sign-in flood');
    // The internals stay out: no raw figures, no better-auth column, no settings line, no chart.
    expect(summary).not.toContain('raw argon2id verify');
    expect(summary).not.toContain('better-auth 1.7 + admin');
    expect(summary).not.toContain('Settings:');
    expect(summary).not.toContain('latest.svg');

    const full = benchReadmeSection(report, name);
    expect(full.startsWith(BENCH_README_BEGIN) && full.endsWith(BENCH_README_END)).toBe(true);
    expect(full).toContain('raw argon2id verify');
    expect(full).toContain('better-auth 1.7 + admin, SQLite');
    expect(full).toContain('Settings: ');
    expect(full).toContain('(results/latest.svg)');
    expect(full).toContain(`(results/${name})`);
    expect(full).toContain('| target | wanted | SQLite | PostgreSQL |');
  });

  it('writes each file only between its own markers, leaves the rest as it was, and is idempotent', () => {
    const { report, name } = latestRecord();
    const dir = copies();
    const readme = join(dir, 'README.md');
    const benchReadme = join(dir, 'bench', 'README.md');
    // Stale content between the markers is replaced.
    for (const [file, begin, end] of [
      [readme, README_BEGIN, README_END],
      [benchReadme, BENCH_README_BEGIN, BENCH_README_END],
    ] as const) {
      const text = read(file);
      writeFileSync(file, text.replace(between(text, begin, end), `${begin}\nstale\n${end}`));
    }
    const before = { readme: read(readme), benchReadme: read(benchReadme) };

    expect(writeBenchReadmes(dir, report, name)).toEqual({ readme: true, benchReadme: true });
    const after = { readme: read(readme), benchReadme: read(benchReadme) };
    expect(after.readme).not.toContain('stale');
    expect(after.benchReadme).not.toContain('stale');
    expect(between(after.readme, README_BEGIN, README_END)).toBe(readmeSummary(report, name));
    expect(between(after.benchReadme, BENCH_README_BEGIN, BENCH_README_END)).toBe(
      benchReadmeSection(report, name),
    );
    // Outside the markers nothing changed.
    const outside = (text: string, begin: string, end: string) => text.replace(between(text, begin, end), '');
    expect(outside(after.readme, README_BEGIN, README_END)).toBe(
      outside(before.readme, README_BEGIN, README_END),
    );
    expect(outside(after.benchReadme, BENCH_README_BEGIN, BENCH_README_END)).toBe(
      outside(before.benchReadme, BENCH_README_BEGIN, BENCH_README_END),
    );

    writeBenchReadmes(dir, report, name);
    expect(read(readme)).toBe(after.readme);
    expect(read(benchReadme)).toBe(after.benchReadme);
  });

  it('a file without its markers is left untouched, and the answer says so', () => {
    const { report, name } = latestRecord();
    const dir = copies();
    const benchReadme = join(dir, 'bench', 'README.md');
    writeFileSync(benchReadme, '# Benchmarks\n\nNo markers here.\n');
    expect(writeBenchReadmes(dir, report, name)).toEqual({ readme: true, benchReadme: false });
    expect(read(benchReadme)).toBe('# Benchmarks\n\nNo markers here.\n');
  });

  it('the committed README.md and bench/README.md hold exactly what the writers make of the record they name', () => {
    // Generated, never hand-copied: after a change to the writers or the report's tables, rewrite both
    // with `npm run bench -- --readme-from bench/results/<record>.json` (nothing is measured).
    const { report, name } = latestRecord();
    expect(between(read(join(ROOT, 'README.md')), README_BEGIN, README_END)).toBe(
      readmeSummary(report, name),
    );
    expect(between(read(join(ROOT, 'bench', 'README.md')), BENCH_README_BEGIN, BENCH_README_END)).toBe(
      benchReadmeSection(report, name),
    );
  });
});
