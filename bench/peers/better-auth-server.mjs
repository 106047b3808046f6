/**
 * better-auth with its admin plugin on SQLite (better-sqlite3 13, the Node-API line that runs on Node 24), as the peer Gatehouse is measured
 * against. Plain JavaScript on purpose: this folder has its own package.json and node_modules,
 * installed on demand by `npm run bench`, and is not part of Gatehouse's build.
 *
 *   node better-auth-server.mjs init <db-file>     schema, admin; prints the admin's rows as JSON
 *   node better-auth-server.mjs serve <db-file> <port>
 *
 * better-auth is configured as its documentation shows (email and password, admin plugin), with
 * its rate limiter and telemetry off so the figures measure the work of each request.
 */
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { admin } from 'better-auth/plugins';

export const PASSWORD = 'bench-password-1234-xyz';
export const ADMIN_EMAIL = 'bench-admin@example.com';

function makeAuth(file, port) {
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  const baseURL = `http://127.0.0.1:${port}`;
  const auth = betterAuth({
    database,
    baseURL,
    secret: 'gatehouse-bench-better-auth-secret-0123456789abcdef',
    trustedOrigins: [baseURL],
    emailAndPassword: { enabled: true, autoSignIn: true },
    plugins: [admin()],
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  return { auth, database };
}

/**
 * Makes the schema with better-auth's own migrations and the admin through its own sign-up (a real
 * password hash), and prints both rows as JSON: the bench copies them to bulk-load the directory
 * with the same users Gatehouse gets (bench/lib/peer.ts), every account with the same password.
 */
async function init(file) {
  const { auth, database } = makeAuth(file, 0);
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const made = await auth.api.signUpEmail({
    body: { email: ADMIN_EMAIL, password: PASSWORD, name: 'Bench Admin' },
  });
  database.prepare(`UPDATE "user" SET role = 'admin' WHERE id = ?`).run(made.user.id);
  const user = database.prepare(`SELECT * FROM "user" WHERE id = ?`).get(made.user.id);
  const account = database.prepare(`SELECT * FROM account WHERE userId = ?`).get(made.user.id);
  database.close();
  process.stdout.write(`${JSON.stringify({ user, account })}\n`);
}

function serve(file, port) {
  const { auth } = makeAuth(file, port);
  const handler = toNodeHandler(auth);
  const server = createServer((req, res) => void handler(req, res));
  server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const [mode, file, port] = process.argv.slice(2);
if (mode === 'init') await init(file);
else if (mode === 'serve') serve(file, Number(port));
else if (mode !== undefined) {
  process.stderr.write('usage: better-auth-server.mjs init <db> | serve <db> <port>\n');
  process.exit(2);
}
