import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { runGatehouse, type Run } from './run.js';

/**
 * Start-up errors (issue 14, item 4): each is one line on stderr naming the variable, with the exit
 * code the README documents (78 configuration, 69 port in use), and nothing is created on the way.
 */
let workdir: string;
const ROOT = new URL('../..', import.meta.url);

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-startup-'));
});

afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

const gatehouse = (args: string[], env: Record<string, string>) =>
  runGatehouse(args, { cwd: workdir, env: { DATABASE_URL: join(workdir, 'ok.sqlite'), ...env } });

/** Exactly one line on stderr, saying `gatehouse: ...`. */
function oneLine(run: Run): string {
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^gatehouse: /);
  return lines[0] as string;
}

describe('start-up errors', () => {
  it('a DATABASE_URL with another scheme exits 78 naming the variable, without creating anything', async () => {
    const runs = await Promise.all(
      ['mysql://root:hunter2@db.example.test/gatehouse', 'sqlite:///tmp/x.sqlite', 'mongodb+srv://h/x'].map(
        (url) => gatehouse(['migrate'], { DATABASE_URL: url }),
      ),
    );
    for (const run of runs) {
      expect(run.code).toBe(78);
      expect(run.stdout).toBe('');
      const line = oneLine(run);
      expect(line).toContain('DATABASE_URL=');
      expect(line).toContain('a SQLite file path');
      expect(line).toContain('postgres://');
    }
    // The password in a refused URL is not echoed.
    expect(runs[0]?.stderr).toContain('mysql://root:***@db.example.test/gatehouse');
    expect(runs[0]?.stderr).not.toContain('hunter2');
    // Before issue 14 this made a directory named "mysql:" and a fresh database in it.
    expect(existsSync(join(workdir, 'mysql:'))).toBe(false);
    expect(existsSync(join(workdir, 'sqlite:'))).toBe(false);
  });

  it('accepts a path, a file: URL and postgres:// or postgresql:// in any case', () => {
    const target = (url: string) => loadConfig({ DATABASE_URL: url }).database;
    expect(target('./data/g.sqlite')).toEqual({ kind: 'sqlite', path: './data/g.sqlite' });
    expect(target('/var/lib/gatehouse/g.sqlite')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/gatehouse/g.sqlite',
    });
    expect(target('file:///var/lib/g.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/g.sqlite' });
    expect(target('file:data/g.sqlite')).toEqual({ kind: 'sqlite', path: 'data/g.sqlite' });
    expect(target('Postgres://u:p@h:5432/db')).toEqual({ kind: 'postgres', url: 'postgres://u:p@h:5432/db' });
    expect(target('POSTGRESQL://u@h/db')).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db' });
    expect(() => target('mysql://h/db')).toThrow(ConfigError);
    expect(() => target('postgres:/h/db')).toThrow(ConfigError);
  });

  it('a PUBLIC_URL with a path, an SMTP_URL with a bare "@" and a DEFAULT_LOCALE not shipped each exit 78 in one line', async () => {
    const [path, smtp, locale] = await Promise.all([
      gatehouse(['migrate'], { PUBLIC_URL: 'https://example.test/auth' }),
      gatehouse(['migrate'], { SMTP_URL: 'smtp://me@example.test:s3cr@t@mail.example.test:587' }),
      gatehouse(['migrate'], { DEFAULT_LOCALE: 'de' }),
    ]);
    for (const run of [path, smtp, locale]) {
      expect(run.code).toBe(78);
      expect(run.stdout).toBe('');
    }
    expect(oneLine(path)).toMatch(
      /PUBLIC_URL="https:\/\/example\.test\/auth": .*under a path .* is not supported/,
    );
    const smtpLine = oneLine(smtp);
    expect(smtpLine).toContain('SMTP_URL=');
    expect(smtpLine).toContain('%40');
    expect(smtpLine).not.toContain('s3cr');
    expect(oneLine(locale)).toBe(
      'gatehouse: configuration: DEFAULT_LOCALE="de": expected a shipped language: en, fr',
    );
    // The ones that are fine: an origin with a trailing slash, an escaped "@", a shipped language with a region.
    expect(() =>
      loadConfig({
        PUBLIC_URL: 'https://example.test/',
        SMTP_URL: 'smtp://me%40example.test:s3cr%40t@mail.example.test:587',
      }),
    ).not.toThrow();
    const ok = await gatehouse(['migrate'], { DEFAULT_LOCALE: 'fr-CA' });
    expect(ok.code).toBe(0);
  });

  it('a SQLite path under a file exits 78 naming DATABASE_URL', async () => {
    const file = join(workdir, 'plain-file');
    writeFileSync(file, 'not a directory');
    const run = await gatehouse(['migrate'], { DATABASE_URL: join(file, 'sub', 'g.sqlite') });
    expect(run.code).toBe(78);
    expect(oneLine(run)).toBe(
      `gatehouse: configuration: DATABASE_URL=${JSON.stringify(join(file, 'sub', 'g.sqlite'))}: ${file} is a file, so the database cannot be created under it`,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a directory');
  });

  it('serve on a port in use exits 69 with one line naming PORT', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await gatehouse(['serve'], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
      expect(run.code).toBe(69);
      expect(oneLine(run)).toBe(
        `gatehouse: PORT=${port} on HOST=127.0.0.1: the port is already in use (another Gatehouse or program listens there); stop it or choose another PORT`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string };
    const run = await gatehouse(['--version'], {});
    expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
