import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/commands.js';
import { envSchema } from '../../src/config/config.js';
import { buildTestApp } from '../harness.js';

/**
 * Issue 14 (minor): "README: complete CLI, API and configuration tables; no references outside the
 * repository." Each table is held against the code it describes: every environment variable
 * config.ts reads is in README's configuration table and in .env.example; every CLI command is in
 * the CLI table; every /api/v1 route is in the API table. And `.env.example` can be sourced by a
 * shell (`set -a; . ./.env.example`), its values being what the server would read.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const envExample = readFileSync(join(ROOT, '.env.example'), 'utf8');

/** The section under a `## title` heading, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 4);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The first cell of each row of the section's tables. */
const firstCells = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|')[1] ?? '');

describe('README and .env.example match the code', () => {
  const variables = Object.keys(envSchema.shape).sort();

  it('every environment variable config.ts reads is in the configuration table', () => {
    expect(variables.length).toBeGreaterThan(30);
    const cells = firstCells(section('Configuration')).join(' ');
    expect(variables.filter((name) => !cells.includes(`\`${name}\``))).toEqual([]);
    // And the table names nothing config.ts does not read.
    const named = [...cells.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]);
    expect(named.filter((name) => !variables.includes(name ?? ''))).toEqual([]);
  });

  it('every environment variable is in .env.example (set, or commented out when it has no default)', () => {
    const listed = new Set([...envExample.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(variables.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('.env.example can be sourced by a shell, and gives the values it documents', () => {
    const names = variables.join(' ');
    const output = execFileSync(
      'bash',
      [
        '-c',
        `set -euo pipefail; set -a; . ./.env.example; set +a; for n in ${names}; do printf '%s=%s\\0' "$n" "\${!n-<unset>}"; done`,
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8' },
    );
    const sourced = Object.fromEntries(
      output
        .split('\0')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );
    expect(sourced.MAIL_FROM).toBe('Gatehouse <no-reply@localhost>');
    expect(sourced.ORGANIZATION_NAME).toBe('Gatehouse');
    expect(sourced.PORT).toBe('8080');
    expect(sourced.INVITATION_LINK_HOURS).toBe('72');
    // Every value it sets is one the server accepts: the whole file, sourced, is a valid configuration.
    const set = Object.fromEntries(Object.entries(sourced).filter(([, value]) => value !== '<unset>'));
    expect(envSchema.safeParse(set).success, JSON.stringify(set)).toBe(true);
  });

  it('README and .env.example say that settings saved in the console override the environment', () => {
    expect(section('Configuration')).toMatch(/saved in Settings[^.]*override/i);
    expect(envExample).toMatch(/saved in Settings[^\n]*\n?[^\n]*override/i);
  });

  it('every CLI command is in the CLI table', () => {
    const program = new Command();
    registerCommands(program);
    const names: string[] = [];
    const walk = (command: Command, prefix: string[]) => {
      for (const sub of command.commands) {
        const path = [...prefix, sub.name()];
        if (sub.commands.length > 0) walk(sub, path);
        else names.push(path.join(' '));
      }
    };
    walk(program, []);
    expect(names.length).toBeGreaterThan(15);
    const cells = firstCells(section('CLI')).join(' ');
    const missing = names.filter((name) => !new RegExp(`\`${name}( |\`)`).test(cells));
    expect(missing).toEqual([]);
  });

  it('every /api/v1 route is in the API table', async () => {
    const t = await buildTestApp();
    const api = section('API');
    /** `:id`, `{id}`, `:tokenId` … are one parameter: compare the shapes. */
    const shape = (path: string) => path.replace(/(:[A-Za-z]+|\{[A-Za-z]+\})/g, '{}');
    const documented = new Set([...api.matchAll(/\/api\/v1\/[A-Za-z0-9/:{}_-]*/g)].map((m) => shape(m[0])));
    const missing = [
      ...new Set(t.app.routeTable.filter((r) => r.url.startsWith('/api/v1/')).map((r) => shape(r.url))),
    ].filter((path) => !documented.has(path));
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('no link or path points outside the repository (../shared and the like)', () => {
    const docs = [
      'README.md',
      'docs/ARCHITECTURE.md',
      'docs/DEPLOYMENT.md',
      'docs/SECURITY.md',
      'docs/API.md',
    ];
    const outside: string[] = [];
    for (const file of docs) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?:\]\(|`)(\.\.\/[^)`\s]*)/g)) {
        const target = join(ROOT, file, '..', m[1] ?? '');
        if (!target.startsWith(ROOT + '/')) outside.push(`${file}: ${m[1]}`);
      }
      if (/\.\.\/shared\//.test(text)) outside.push(`${file}: ../shared/`);
    }
    expect(outside).toEqual([]);
  });
});
