import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, ROOT, signIn, startGatehouse, TSX } from '../scale/process.js';
import { GATEHOUSE_ARGS } from '../cli/entry.js';

/*
 * Issue 18: Gatehouse runs on the maintained Node.js LTS lines. These tests run the CLI, the server
 * and the database layer as child processes on the Node that runs the suite (the pinned Node 24 in
 * `npm test`'s main passes, Node 26 in its last pass), with garbage collection forced every 20 ms.
 * better-sqlite3 12 aborted the process in exactly these situations on Node ≥ 24.19 (a prepared
 * statement collected by an idle GC: "Assertion failed: (env) != nullptr"); each test asserts a clean
 * exit code and no assertion on stderr.
 */

const FORCE_GC = new URL('./fixtures/force-gc.mjs', import.meta.url).href;
const WORKLOAD = join(ROOT, 'test/runtime/fixtures/sqlite-workers.ts');
const GC_ARGS = ['--expose-gc', '--import', FORCE_GC];
const OWN_PASSWORD = 'copper meadow whistle 2049 slowly';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: workdir,
      env: { PATH: process.env.PATH ?? '', HASH_CONCURRENCY: '2', ...env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

let workdir: string;
beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-runtime-'));
});
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe(`the runtime: Node ${process.version}`, () => {
  it('runs on a maintained LTS line (Node 24 or 26), as package.json engines say', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect([24, 26]).toContain(major);
  });

  it('the database layer in worker threads that end, past the statement cache, under forced GC: exit 0, no abort', async () => {
    const result = await run([...GC_ARGS, '--import', TSX, WORKLOAD, join(workdir, 'workers.sqlite')], {});
    expect(result.stderr).not.toContain('Assertion failed');
    expect(result.stdout).toContain('sqlite-workers: ok');
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
  });

  it('the CLI creates the first admin under forced GC and exits 0; the server then starts, signs in, resets a password and stops cleanly', async () => {
    const databaseUrl = join(workdir, 'gatehouse.sqlite');
    const admin = await run(
      [
        ...GC_ARGS,
        ...GATEHOUSE_ARGS,
        'admin',
        'create',
        '--email',
        'ana@example.com',
        '--name',
        'Ana Admin',
        '--password-stdin',
      ],
      { DATABASE_URL: databaseUrl },
      `${PASSWORD}\n`,
    );
    expect(admin.stderr).not.toContain('Assertion failed');
    expect(admin.code, admin.stderr).toBe(0);

    const server = await startGatehouse({
      databaseUrl,
      nodeArgs: GC_ARGS,
      env: { LOG_LEVEL: 'info' },
    });
    try {
      // A password set from the shell is temporary (SEC-TMP-01): the admin chooses their own first.
      const temporary = await signIn(server.url, 'ana@example.com', PASSWORD);
      const changed = await call(server.url, 'POST', '/api/v1/me/password', {
        cookie: temporary,
        body: { currentPassword: PASSWORD, newPassword: OWN_PASSWORD },
      });
      expect(changed.status, changed.text).toBeLessThan(300);
      const cookie = await signIn(server.url, 'ana@example.com', OWN_PASSWORD);
      const created = await call(server.url, 'POST', '/api/v1/users', {
        cookie,
        body: { email: 'bo@example.com', name: 'Bo Member', role: 'member', generatePassword: true },
      });
      expect(created.status, created.text).toBe(201);
      // Several shapes of the list query, many times: statements prepared, cached and reused under GC.
      for (let i = 0; i < 40; i++) {
        const query = ['', '?q=bo', '?role=member', '?sort=email', '?status=active'][i % 5];
        const list = await call(server.url, 'GET', `/api/v1/users${query}`, { cookie });
        expect(list.status).toBe(200);
      }
      const reset = await call(server.url, 'POST', `/api/v1/users/${created.body.user.id}/password`, {
        cookie,
        body: { generate: true },
      });
      expect(reset.status, reset.text).toBe(200);
      expect(typeof reset.body.generatedPassword).toBe('string');
      const signedIn = await call(server.url, 'POST', '/api/v1/auth/sign-in', {
        body: { email: 'bo@example.com', password: reset.body.generatedPassword },
      });
      expect(signedIn.status, signedIn.text).toBe(200);
      expect(signedIn.body.passwordChangeRequired).toBe(true);
    } finally {
      await server.stop();
    }
    const { code, signal } = await server.exited;
    expect(server.output()).not.toContain('Assertion failed');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // The start-up line names the Node.js version (in the log only: it is never sent over HTTP).
    expect(server.output()).toContain(`"node":"${process.version}"`);
  });
});
