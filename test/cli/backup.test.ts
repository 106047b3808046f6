import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/db.js';
import { verifyAuditChain } from '../../src/modules/audit/index.js';
import { databaseUrlFor, TEST_DIALECT } from '../database.js';
import { call, openDatabase, seedUser, signIn, startGatehouse } from '../scale/process.js';
import { runGatehouse, type Run } from './run.js';

/**
 * `gatehouse backup <file>` as an operator runs it: a real CLI process next to a real server process
 * that keeps writing. SQLite is copied online with its backup API; PostgreSQL is refused with a
 * pointer to pg_dump. What the backup holds is read from the copy itself.
 */

let workdir: string;

function gatehouse(args: string[], env: Record<string, string>): Promise<Run> {
  return runGatehouse(args, { cwd: workdir, env });
}

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-backup-'));
});

afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

describe('gatehouse backup', () => {
  it.runIf(TEST_DIALECT === 'sqlite')(
    'SQLite: backs up online while a server process writes; the copy is whole and holds every user created before it began (run once, on the SQLite pass)',
    { timeout: 150_000 },
    async () => {
      const database = join(workdir, 'live.sqlite');
      const seed = openDatabase(database);
      await seed.migrate();
      const admin = await seedUser(seed, { email: 'admin@example.test', name: 'Ada Admin', role: 'admin' });
      await seed.close();
      const server = await startGatehouse({ databaseUrl: database });
      try {
        const cookie = await signIn(server.url, admin.email, admin.password);
        const acked: string[] = [];
        const failures: string[] = [];
        let stop = false;
        const writer = async (w: number) => {
          for (let i = 0; !stop; i += 1) {
            const email = `writer-${w}-${i}@example.test`;
            const reply = await call(server.url, 'POST', '/api/v1/users', {
              cookie,
              body: { email, name: `Writer ${w} ${i}`, role: 'viewer', generatePassword: true },
            }).catch((error: Error) => ({ status: 0, text: error.message }));
            if (reply.status !== 201) {
              failures.push(`${reply.status} ${reply.text}`);
              return;
            }
            acked.push(email);
          }
        };
        const writers = Promise.all([0, 1, 2].map(writer));
        const deadline = Date.now() + 30_000;
        while (acked.length < 6 && failures.length === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }

        const before = [...acked];
        const backupFile = join(workdir, 'backup.sqlite');
        const run = await gatehouse(['backup', backupFile], { DATABASE_URL: database });
        const during = acked.length - before.length;
        stop = true;
        await writers;
        expect(failures).toEqual([]);

        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^Backed up .*live\.sqlite to .*backup\.sqlite: \d+ users, \d+ KiB/);
        // The server kept writing all through the command.
        expect(during, 'users created while the backup ran').toBeGreaterThan(0);
        // One self-contained file: no -wal or -shm next to it, no partial file left behind.
        expect(readdirSync(workdir).filter((f) => f.startsWith('backup.sqlite'))).toEqual(['backup.sqlite']);

        const raw = new DatabaseSync(backupFile, { readOnly: true });
        try {
          expect(raw.prepare('pragma integrity_check').get()?.integrity_check).toBe('ok');
          expect(raw.prepare('pragma journal_mode').get()?.journal_mode).toBe('delete');
        } finally {
          raw.close();
        }
        const copy = createDb({ kind: 'sqlite', path: backupFile });
        try {
          expect(await copy.migrationsPending()).toBe(0);
          const emails = (await copy.db.selectFrom('users').select('email').execute()).map((u) => u.email);
          expect(emails).toContain(admin.email);
          for (const email of before) expect(emails, email).toContain(email);
          expect(emails.length).toBeLessThanOrEqual(1 + acked.length);
          // A consistent snapshot: each user's creation and its audit event are both in it, and the chain is whole.
          const created = await copy.db
            .selectFrom('auditEvents')
            .select('targetLabel')
            .where('action', '=', 'user.created')
            .execute();
          expect(created.map((e) => e.targetLabel).sort()).toEqual([...emails].sort());
          expect(await verifyAuditChain({ db: copy.db })).toMatchObject({ ok: true });
        } finally {
          await copy.close();
        }

        // The server never noticed.
        expect((await call(server.url, 'GET', '/readyz')).status).toBe(200);
        expect(server.output()).not.toContain('unhandled error');
      } finally {
        await server.stop();
      }
    },
  );

  it('refuses to replace an existing file (exit 1) unless --force is given', async () => {
    const database = join(workdir, 'small.sqlite');
    const seed = createDb({ kind: 'sqlite', path: database });
    await seed.migrate();
    await seed.close();
    const target = join(workdir, 'existing.sqlite');
    writeFileSync(target, 'not a database, but someone’s file');

    const refused = await gatehouse(['backup', target], { DATABASE_URL: database });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: file_exists:');
    expect(refused.stdout).toBe('');

    const forced = await gatehouse(['backup', '--force', target], { DATABASE_URL: database });
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    const copy = new DatabaseSync(target, { readOnly: true });
    try {
      expect(copy.prepare('pragma integrity_check').get()?.integrity_check).toBe('ok');
    } finally {
      copy.close();
    }
  });

  it('a missing database file → exit 1, and nothing is written', async () => {
    const target = join(workdir, 'from-nothing.sqlite');
    const run = await gatehouse(['backup', target], { DATABASE_URL: join(workdir, 'no-such.sqlite') });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: database_not_found:');
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(workdir, 'no-such.sqlite'))).toBe(false);
  });

  it('PostgreSQL: exit 2 with a message naming pg_dump; nothing is written and the password is not echoed', async () => {
    const url =
      TEST_DIALECT === 'postgres'
        ? databaseUrlFor('postgres')
        : 'postgres://gatehouse:s3cret-password@127.0.0.1:5432/gatehouse';
    const target = join(workdir, 'pg.dump');
    const run = await gatehouse(['backup', target], { DATABASE_URL: url });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: use_pg_dump: .*pg_dump/);
    expect(run.stdout).toBe('');
    expect(existsSync(target)).toBe(false);
    const password = new URL(url).password;
    if (password) expect(run.stderr).not.toContain(password);
  });
});
