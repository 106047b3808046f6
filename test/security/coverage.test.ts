import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Issue 5, item 5: at least one test per security requirement, named after its ID, and docs/SECURITY.md
 * listing every ID. The check is scripts/security-coverage.mjs (also usable on its own); this runs it
 * so that a requirement that loses its last test, or drops out of the docs, fails `npm test`.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REQUIREMENTS = resolve(ROOT, '..', 'shared', 'SECURITY.md');

function runCheck(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'security-coverage.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('every security requirement has a test', () => {
  it('every ID listed in docs/SECURITY.md is in the name of at least one test under test/', () => {
    const ids = [
      ...readFileSync(join(ROOT, 'docs', 'SECURITY.md'), 'utf8').matchAll(/^### (SEC-[A-Z]+-\d+)\b/gm),
    ];
    // The list is not empty: the specification has 56 requirements.
    expect(ids.length).toBeGreaterThanOrEqual(56);
    const { status, output } = runCheck('--ids', 'docs/SECURITY.md');
    expect(output).toMatch(/security-coverage: (\d+)\/\1 IDs/);
    expect(status, output).toBe(0);
  });

  it.runIf(existsSync(REQUIREMENTS))(
    'docs/SECURITY.md lists every requirement of ../shared/SECURITY.md, and each has a test',
    () => {
      const { status, output } = runCheck();
      expect(status, output).toBe(0);
    },
  );

  it('the check fails, naming the ID, when a requirement has no test', () => {
    // (The ID is spelled in two pieces here, so that this file does not itself count as its test.)
    const missing = ['SEC', 'NOPE', '99'].join('-');
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-coverage-'));
    try {
      const file = join(dir, 'requirements.md');
      writeFileSync(file, `- **SEC-PS-01** something tested\n- **${missing}** something nobody tests\n`);
      const { status, output } = runCheck('--ids', file);
      expect(status).toBe(1);
      expect(output).toContain(missing);
      expect(output).not.toContain('SEC-PS-01,');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an ID marked planned in docs/SECURITY.md is listed as planned, not failed; once tested, the mark must go', () => {
    const planned = ['SEC', 'PLAN', '01'].join('-');
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-coverage-'));
    try {
      const requirements = join(dir, 'requirements.md');
      writeFileSync(requirements, `- **SEC-PS-01** something tested\n- **${planned}** a feature to come\n`);
      const doc = join(dir, 'SECURITY.md');
      const section = (id: string, status: string) => `### ${id}\n\n**Requirement.** text\n\n${status}\n\n`;
      writeFileSync(
        doc,
        section('SEC-PS-01', '**Tests.**') + section(planned, '**Status: planned** — later.'),
      );
      const ok = runCheck('--ids', requirements, '--doc', doc);
      expect(ok.status, ok.output).toBe(0);
      expect(ok.output).toContain('1/1 IDs');
      expect(ok.output).toContain(`1 more planned, for features not built yet: ${planned}`);

      // A tested ID still marked planned: the docs are stale, and the check says so.
      writeFileSync(
        doc,
        section('SEC-PS-01', '**Status: planned** — later.') + section(planned, '**Status: planned**'),
      );
      const stale = runCheck('--ids', requirements, '--doc', doc);
      expect(stale.status).toBe(1);
      expect(stale.output).toContain('SEC-PS-01 have tests but docs/SECURITY.md still says planned');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
