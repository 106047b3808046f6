#!/usr/bin/env node
/**
 * Every security requirement has a test (issue 5, item 5).
 *
 * Reads the requirement IDs (SEC-PS-01 …) from ../shared/SECURITY.md when that file exists (CI has it
 * next to the repository), otherwise from the `### SEC-…` headings of docs/SECURITY.md, and looks for
 * each ID in the *names* of the tests under test/ (the first argument of `it(...)` / `test(...)`: tests
 * are named after the IDs they prove; a mention in a comment does not count). When both files exist,
 * docs/SECURITY.md must also list every ID of the requirements file.
 *
 *   node scripts/security-coverage.mjs                 check; exit 1 listing the IDs without a test
 *   node scripts/security-coverage.mjs --ids docs/SECURITY.md   take the IDs from that file
 *   node scripts/security-coverage.mjs --list          also print every ID with its test files and names
 *   node scripts/security-coverage.mjs --doc FILE      read the planned IDs (and the listing) from FILE
 *
 * An ID whose section in docs/SECURITY.md says `**Status: planned**` belongs to a feature not built
 * yet: it is listed as planned, not failed. Once such an ID has a test the status must go (exit 1).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REQUIREMENTS = resolve(ROOT, '..', 'shared', 'SECURITY.md');
const DOC = join(ROOT, 'docs', 'SECURITY.md');
const ID = /SEC-[A-Z]+-\d+/g;

/** IDs in the requirements file (`**SEC-…**`) or in docs/SECURITY.md (`### SEC-…` headings), in order. */
export function readIds(file, { headings = file.endsWith(join('docs', 'SECURITY.md')) } = {}) {
  const text = readFileSync(file, 'utf8');
  const pattern = headings ? /^#{2,4}\s+(SEC-[A-Z]+-\d+)\b/gm : /\*\*(SEC-[A-Z]+-\d+)\*\*/g;
  return [...new Set([...text.matchAll(pattern)].map((m) => m[1]))];
}

function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (/\.test\.[cm]?[jt]sx?$/.test(entry)) out.push(path);
  }
  return out;
}

/** Test names: the string (quoted or template) that opens each it(…)/test(…) call, also `.each(…)(`. */
const TITLE =
  /\b(?:it|test)(?:\.(?:each|concurrent|sequential|only|skip|todo|fails)(?:\([^)]*\))?)*\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g;

/** Every test name under test/ that carries each ID: Map<id, Array<{ file, name }>>. */
export function testsById(root = ROOT) {
  const byId = new Map();
  for (const file of testFiles(join(root, 'test'))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(TITLE)) {
      const name = match[2].replace(/\s+/g, ' ');
      for (const id of new Set(name.match(ID) ?? [])) {
        if (!byId.has(id)) byId.set(id, []);
        byId.get(id).push({ file: relative(root, file), name });
      }
    }
  }
  return byId;
}

/**
 * IDs whose section in docs/SECURITY.md says `**Status: planned**`: requirements of features not built
 * yet. They are reported as planned, not as failures; everything else needs a test.
 */
export function plannedIds(file = DOC) {
  if (!existsSync(file)) return new Set();
  const sections = readFileSync(file, 'utf8').split(/^(?=#{2,4}\s+SEC-)/m);
  const planned = new Set();
  for (const section of sections) {
    const id = section.match(/^#{2,4}\s+(SEC-[A-Z]+-\d+)\b/)?.[1];
    if (id && /^\*\*Status: planned\*\*/m.test(section)) planned.add(id);
  }
  return planned;
}

/** The check itself: which IDs have no test, and which requirement IDs docs/SECURITY.md leaves out. */
export function coverage({ idsFile, docFile = DOC } = {}) {
  const source = idsFile ? resolve(idsFile) : existsSync(REQUIREMENTS) ? REQUIREMENTS : DOC;
  const allIds = readIds(source);
  const planned = plannedIds(docFile);
  const ids = allIds.filter((id) => !planned.has(id));
  const tests = testsById();
  const untested = ids.filter((id) => !tests.has(id));
  const plannedHere = allIds.filter((id) => planned.has(id));
  const plannedButTested = plannedHere.filter((id) => tests.has(id));
  const notDocumented =
    source !== docFile && existsSync(docFile)
      ? allIds.filter((id) => !readIds(docFile, { headings: true }).includes(id))
      : [];
  return {
    source: relative(ROOT, source) || source,
    ids,
    tests,
    untested,
    notDocumented,
    planned: plannedHere,
    plannedButTested,
  };
}

function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--ids');
  const idsFile = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !idsFile) {
    console.error('security-coverage: --ids needs a file');
    process.exit(2);
  }
  const docAt = args.indexOf('--doc');
  const result = coverage({ idsFile, docFile: docAt >= 0 ? resolve(args[docAt + 1]) : DOC });
  if (result.ids.length + result.planned.length === 0) {
    console.error(`security-coverage: no SEC-… IDs found in ${result.source}`);
    process.exit(2);
  }
  if (args.includes('--list')) {
    for (const id of result.ids) {
      console.log(id);
      for (const t of result.tests.get(id) ?? []) console.log(`  ${t.file}: ${t.name}`);
    }
  }
  let failed = false;
  if (result.untested.length > 0) {
    failed = true;
    console.error(`security-coverage: no test is named after ${result.untested.join(', ')}`);
  }
  if (result.notDocumented.length > 0) {
    failed = true;
    console.error(`security-coverage: docs/SECURITY.md does not list ${result.notDocumented.join(', ')}`);
  }
  if (result.plannedButTested.length > 0) {
    failed = true;
    console.error(
      `security-coverage: ${result.plannedButTested.join(', ')} have tests but docs/SECURITY.md still says planned: ` +
        'replace the status with How. and Tests.',
    );
  }
  const tested = result.ids.length - result.untested.length;
  console.log(`security-coverage: ${tested}/${result.ids.length} IDs from ${result.source} have a test`);
  if (result.planned.length > 0)
    console.log(
      `security-coverage: ${result.planned.length} more planned, for features not built yet: ${result.planned.join(', ')}`,
    );
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
