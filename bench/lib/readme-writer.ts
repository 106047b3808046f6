/**
 * Where a full run's figures go (issue 14: benchmark internals out of the README). Both are generated
 * from the run's report, never copied by hand:
 * - README.md, between README_BEGIN and README_END: a short summary, the date and machine, how many
 *   targets were met and one compact table of the targets, with a link to bench/README.md;
 * - bench/README.md, between BENCH_README_BEGIN and BENCH_README_END: the full record, the run's
 *   settings, the chart, every figure with better-auth side by side, the targets with their margins.
 * `npm run bench -- --readme-from bench/results/<record>.json` rewrites both from a saved record
 * without measuring anything.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine, markdownTable, settingsLine, targets, type RunReport, type Target } from './report.js';

export const README_BEGIN = '<!-- bench:begin (written by npm run bench) -->';
export const README_END = '<!-- bench:end -->';
export const BENCH_README_BEGIN = '<!-- bench:full:begin (written by npm run bench) -->';
export const BENCH_README_END = '<!-- bench:full:end -->';

function metCount(r: RunReport): { met: number; all: number } {
  const cells = targets(r).flatMap((t) => [t.sqlite, t.postgres]);
  return { met: cells.filter((c) => c?.met).length, all: cells.filter((c) => c).length };
}

/** The README's summary: which run, how many targets met, one compact table (figure and ✅/❌ per database). */
export function readmeSummary(r: RunReport, resultsName: string): string {
  const { met, all } = metCount(r);
  const m = r.machine;
  const cell = (x: Target['sqlite']) => (x ? `${x.text} ${x.met ? '✅' : '❌'}` : 'n/a');
  return [
    README_BEGIN,
    `Latest full run: **${r.date}**, ${r.users.toLocaleString('en-US')} users, ${m.cores}-core ${m.cpu}, ` +
      `Node ${m.node} (load average ${m.loadAtStart} at the start: a shared machine). ` +
      `**${met} of ${all}** target figures met (✅ met, ❌ missed). Every figure, better-auth side by side, the ` +
      `margins and the chart: [bench/README.md](bench/README.md#latest-full-run); the run's record: ` +
      `[bench/results/${resultsName}](bench/results/${resultsName}).`,
    '',
    '| target | SQLite | PostgreSQL |',
    '| --- | --- | --- |',
    ...targets(r).map((t) => `| ${t.short} | ${cell(t.sqlite)} | ${cell(t.postgres)} |`),
    README_END,
  ].join('\n');
}

/** bench/README.md's full record of the run (links relative to bench/). */
export function benchReadmeSection(r: RunReport, resultsName: string): string {
  const { met, all } = metCount(r);
  return [
    BENCH_README_BEGIN,
    `Run of **${r.date}** on ${machineLine(r)}. ${met} of ${all} target figures met. Record: [results/${resultsName}](results/${resultsName}).`,
    '',
    `Settings: ${settingsLine(r)}.`,
    '',
    '![Gatehouse against its targets and against better-auth](results/latest.svg)',
    '',
    markdownTable(r),
    ...(r.notes.length ? ['', ...r.notes.map((n) => `- ${n}`)] : []),
    BENCH_README_END,
  ].join('\n');
}

/** `text` with what lies between the markers (markers included) replaced by `section`; null without both markers. */
export function replaceBetween(text: string, begin: string, end: string, section: string): string | null {
  const a = text.indexOf(begin);
  const b = text.indexOf(end, a);
  if (a < 0 || b < 0) return null;
  return text.slice(0, a) + section + text.slice(b + end.length);
}

/**
 * Writes the summary into `<root>/README.md` and the full record into `<root>/bench/README.md`.
 * A file without its markers is left as it is; the answer says which files were written.
 */
export function writeBenchReadmes(
  root: string,
  r: RunReport,
  resultsName: string,
): { readme: boolean; benchReadme: boolean } {
  const write = (file: string, begin: string, end: string, section: string) => {
    const updated = replaceBetween(readFileSync(file, 'utf8'), begin, end, section);
    if (updated !== null) writeFileSync(file, updated);
    return updated !== null;
  };
  return {
    readme: write(join(root, 'README.md'), README_BEGIN, README_END, readmeSummary(r, resultsName)),
    benchReadme: write(
      join(root, 'bench', 'README.md'),
      BENCH_README_BEGIN,
      BENCH_README_END,
      benchReadmeSection(r, resultsName),
    ),
  };
}
