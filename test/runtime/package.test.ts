import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, freePort, PASSWORD, ROOT, sleep } from '../scale/process.js';

/*
 * Issue 18, items 6 to 8: the production path. The package is built and packed as `npm pack` packs it
 * (package.json `files`), installed from the tarball into an empty directory with
 * `npm install --omit=dev` (no devDependencies, so no pinned Node, no TypeScript, no Vite), and its
 * installed `gatehouse` binary is started on the Node that runs the suite. The build goes to a staging
 * directory of its own, so that the checkout's dist/ and web/dist are never rewritten under other tests.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const work = mkdtempSync(join(tmpdir(), 'gatehouse-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// It tests the package, not the database: run in the SQLite pass (and on Node 26), not again on PostgreSQL.
const packagePass = process.env.GATEHOUSE_TEST_DB !== 'postgres';

describe('the packed package, installed without devDependencies', () => {
  it.runIf(packagePass)(
    'npm pack → npm install --omit=dev → the installed gatehouse binary (executable) creates an admin, serves, signs in, and stops with exit 0 (SQLite pass)',
    { timeout: 300_000 },
    async () => {
      // Build as `npm run build` does, into the staging directory.
      const stage = join(work, 'stage');
      mkdirSync(join(stage, 'web'), { recursive: true });
      for (const file of ['package.json', 'README.md', '.env.example'])
        copyFileSync(join(ROOT, file), join(stage, file));
      mkdirSync(join(stage, 'docs'));
      copyFileSync(join(ROOT, 'docs/DEPLOYMENT.md'), join(stage, 'docs/DEPLOYMENT.md'));
      const tsc = await run(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          'tsconfig.build.json',
          '--outDir',
          join(stage, 'dist'),
        ],
        ROOT,
      );
      expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
      const chmod = await run(
        process.execPath,
        [join(ROOT, 'scripts/postbuild.mjs'), join(stage, 'dist')],
        ROOT,
      );
      expect(chmod.code, chmod.stderr).toBe(0);
      const vite = await run(
        process.execPath,
        [
          join(ROOT, 'node_modules/vite/bin/vite.js'),
          'build',
          '--config',
          'web/vite.config.ts',
          '--outDir',
          join(stage, 'web/dist'),
          '--emptyOutDir',
          '--logLevel',
          'warn',
        ],
        ROOT,
      );
      expect(vite.code, vite.stdout + vite.stderr).toBe(0);

      const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], stage);
      expect(pack.code, pack.stderr).toBe(0);
      const tarball = join(work, pack.stdout.trim().split('\n').at(-1) ?? '');

      const install = join(work, 'install');
      mkdirSync(install);
      const npmInstall = () =>
        run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], install);
      let installed = await npmInstall();
      // The registry sometimes resets a connection; that is the network, not the package: once more.
      if (installed.code !== 0 && /ECONNRESET|ETIMEDOUT|EAI_AGAIN/.test(installed.stderr))
        installed = await npmInstall();
      expect(installed.code, installed.stderr).toBe(0);
      const bin = join(install, 'node_modules/.bin/gatehouse');
      const packageDir = join(install, 'node_modules/@gatehouse-id/server');
      // The CLI entry point is executable as packed: the binary runs without npx fixing its mode.
      expect(statSync(join(packageDir, 'dist/src/cli/main.js')).mode & 0o111).not.toBe(0);
      // No devDependency came along (the pinned Node, TypeScript, Vite, the test tools).
      const top = readdirSync(join(install, 'node_modules'));
      for (const dev of ['node', 'typescript', 'vite', 'vitest', 'tsx']) expect(top).not.toContain(dev);
      // Source maps stay build artifacts: none is shipped.
      const shipped = readdirSync(join(packageDir, 'web/dist/assets'));
      expect(shipped.filter((f) => f.endsWith('.map'))).toEqual([]);

      const databaseUrl = join(work, 'data', 'gatehouse.sqlite');
      const env = { DATABASE_URL: databaseUrl, HASH_CONCURRENCY: '2' };
      const admin = await new Promise<Run>((resolve, reject) => {
        const child = spawn(
          bin,
          ['admin', 'create', '--email', 'ana@example.com', '--name', 'Ana Admin', '--password-stdin'],
          {
            cwd: work,
            env: { PATH: process.env.PATH ?? '', ...env },
            stdio: ['pipe', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(`${PASSWORD}\n`);
      });
      expect(admin.code, admin.stderr).toBe(0);

      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const server = spawn(bin, ['serve'], {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      server.stdout.on('data', (d: Buffer) => (output += d.toString()));
      server.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
      try {
        for (let i = 0; i < 300; i++) {
          const ready = await call(url, 'GET', '/readyz', { timeoutMs: 2_000 }).catch(() => null);
          if (ready?.status === 200) break;
          await sleep(100);
        }
        const signIn = await call(url, 'POST', '/api/v1/auth/sign-in', {
          body: { email: 'ana@example.com', password: PASSWORD },
        });
        expect(signIn.status, signIn.text + output).toBe(200);
        // The console is served from the package's own web/dist.
        const page = await fetch(`${url}/sign-in`, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<div id="root">');
      } finally {
        server.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(output).toContain(`"node":"${process.version}"`);
    },
  );
});
