import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The lint configuration is the one source of the allowed import directions between modules.
import { MODULE_DEPENDENCIES } from '../../eslint.config.js';

/*
 * Issue 11, item 5: docs/ARCHITECTURE.md stays true. Its module table must say exactly what
 * eslint.config.js enforces, every module folder must be in both, and every repository path the
 * document cites must exist.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');

/** The "| module | may use |" table: module → the modules it may use, as the document says. */
function documentedDirections(): Map<string, string[]> {
  const start = doc.indexOf('| module | may use');
  expect(start, 'ARCHITECTURE.md has a "| module | may use" table').toBeGreaterThanOrEqual(0);
  const rows = doc.slice(start).split('\n').slice(2);
  const table = new Map<string, string[]>();
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const [, left = '', right = ''] = row.split('|');
    const names = (cell: string) =>
      [...cell.replace(/\(.*?\)/g, '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1] ?? '');
    for (const module of names(left)) table.set(module, names(right).sort());
  }
  return table;
}

describe('docs/ARCHITECTURE.md', () => {
  it('its module table is exactly the import directions eslint.config.js enforces', () => {
    const documented = documentedDirections();
    const enforced = new Map(Object.entries(MODULE_DEPENDENCIES).map(([m, deps]) => [m, [...deps].sort()]));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(enforced));
  });

  it('every module folder under src/modules is in the lint configuration (and so in the table)', () => {
    const folders = readdirSync(join(ROOT, 'src', 'modules'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(Object.keys(MODULE_DEPENDENCIES).sort());
  });

  it('every repository path it cites exists', () => {
    const cited = [
      ...doc.matchAll(/`((?:src|test|scripts|bench|web|docs|runtimes)\/[A-Za-z0-9_./-]+)`/g),
    ].map((m) => m[1] ?? '');
    expect(cited.length).toBeGreaterThan(5);
    expect(cited.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});
