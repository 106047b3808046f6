import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createDb, type DbHandle } from '../../src/db/db.js';
import { listAuditEvents } from '../../src/modules/audit/index.js';
import { signIn, type AuthCtx } from '../../src/modules/auth/index.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../../src/modules/passwords/index.js';
import { validateSession } from '../../src/modules/sessions/index.js';
import { defaultsFrom, updateSettings } from '../../src/modules/settings/index.js';
import { createUser, findUserByEmail, insertUser } from '../../src/modules/users/index.js';
import { cliContext, type ActorContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { databaseUrlFor, freshDatabase, TEST_DIALECT } from '../database.js';
import { runGatehouse, runGatehouseOnTerminal, type Run } from './run.js';
import { settingsOf } from '../settings.js';

/**
 * The `gatehouse` CLI as an operator runs it: a real process (`node --import tsx src/cli/main.ts`),
 * configured only through the environment, against a SQLite file or a fresh PostgreSQL database.
 * What it did is checked through the services and the database, never through its own output alone.
 */
/** Passes the policy: long enough, not on the blocklist, no context words. */
const GOOD_PASSWORD = 'violet harbour lantern 1977 quietly';

let workdir: string;
let databaseUrl: string;
let handle: DbHandle;
let dropDatabase: () => Promise<void>;
let config: Config;
let clock: ManualClock;
let deps: AuthCtx;

/** Runs the CLI with a minimal environment, from a directory with no .env; stdin is /dev/null unless given. */
function gatehouse(
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  return runGatehouse(args, {
    cwd: workdir,
    env: { DATABASE_URL: databaseUrl, ...options.env },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`) and types the answers only once
 * each prompt is on screen, as a person would. Returns everything the terminal showed.
 */
function gatehouseOnTerminal(
  args: string[],
  answers: string[],
): Promise<{ code: number | null; screen: string }> {
  return runGatehouseOnTerminal(args, {
    cwd: workdir,
    env: { DATABASE_URL: databaseUrl },
    answers,
    prompt: /New password for|Type it again/,
  });
}

async function signInAs(email: string, password: string) {
  const result = await signIn(
    deps,
    { ...cliContext(), actorLabel: 'anonymous', userAgent: 'test' },
    { email, password },
  );
  if ('mfaRequired' in result) throw new Error('no user of this file has a second factor');
  return result;
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  if (TEST_DIALECT === 'postgres') {
    const fresh = await freshDatabase();
    // The CLI migrates on its own; the handle stays open only to check what the CLI did.
    handle = fresh.handle;
    databaseUrl = fresh.url;
    dropDatabase = fresh.drop;
  } else {
    databaseUrl = join(workdir, 'gatehouse.sqlite');
    handle = createDb({ kind: 'sqlite', path: databaseUrl });
    dropDatabase = () => handle.close();
  }
  config = loadConfig({ DATABASE_URL: databaseUrl });
  // Times set by the CLI come from the system clock; the test's clock starts there and moves by hand.
  clock = new ManualClock(Date.now());
  deps = {
    db: handle.db,
    clock,
    hasher: createArgon2Hasher(PRODUCTION_ARGON2, 2),
    config,
    settings: settingsOf(config),
  };
});

afterAll(async () => {
  await dropDatabase();
  rmSync(workdir, { recursive: true, force: true });
});

describe('gatehouse migrate', () => {
  it('migrates an empty SQLite file and exits 0; the file then has the users table', async () => {
    const file = join(workdir, 'empty.sqlite');
    const run = await gatehouse(['migrate'], { env: { DATABASE_URL: file } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Database is up to date.');
    const db = createDb({ kind: 'sqlite', path: file });
    try {
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
        db.db,
      );
      expect(tables.rows.map((r) => r.name)).toContain('users');
      expect(await db.migrationsPending()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it.runIf(TEST_DIALECT === 'postgres')('migrates an empty PostgreSQL database and exits 0', async () => {
    const name = `gh_test_cli_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const run = await gatehouse(['migrate'], { env: { DATABASE_URL: databaseUrlFor(name) } });
      expect(run.code).toBe(0);
      const db = createDb({ kind: 'postgres', url: databaseUrlFor(name) });
      try {
        const tables = await sql<{
          tablename: string;
        }>`select tablename from pg_tables where schemaname = 'public'`.execute(db.db);
        expect(tables.rows.map((r) => r.tablename)).toContain('users');
      } finally {
        await db.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('gatehouse admin create', () => {
  it('SEC-TMP-01: --password-stdin creates an admin with a temporary password, audited as "cli"', async () => {
    // Break-glass on an empty database: the CLI migrates it first.
    const run = await gatehouse(
      [
        'admin',
        'create',
        '--email',
        '  First.Admin@Example.TEST ',
        '--name',
        'First Admin',
        '--password-stdin',
      ],
      { stdin: `${GOOD_PASSWORD}\n` },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Created admin first.admin@example.test');
    // A typed password is never echoed.
    expect(run.stdout).not.toContain(GOOD_PASSWORD);

    const user = await findUserByEmail(deps, 'first.admin@example.test');
    expect(user).toMatchObject({
      role: 'admin',
      status: 'active',
      name: 'First Admin',
      passwordChangeRequired: true,
    });
    // Exactly one trailing newline was stripped: the password is the typed one, and it signs in.
    const signedIn = await signInAs('first.admin@example.test', GOOD_PASSWORD);
    expect(signedIn.passwordChangeRequired).toBe(true);
    expect(signedIn.user.role).toBe('admin');

    const audit = await listAuditEvents(deps, { action: 'user.created', targetId: user?.id, limit: 5 });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: { id: null, label: 'cli' },
      target: { id: user?.id, label: 'first.admin@example.test' },
      details: { role: 'admin', temporaryPassword: true },
    });
  });

  it('SEC-TMP-05: --generate prints a strong temporary password exactly once; it signs in, must be changed and expires (SEC-TMP-03)', async () => {
    const run = await gatehouse([
      'admin',
      'create',
      '--email',
      'second.admin@example.test',
      '--name',
      'Second Admin',
      '--generate',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const password = /^\s+([a-z0-9]{5}(?:-[a-z0-9]{5}){5})$/m.exec(run.stdout)?.[1];
    expect(password, run.stdout).toBeDefined();
    expect(occurrences(run.stdout, password ?? '')).toBe(1);
    expect(run.stdout).toMatch(/temporary/i);
    expect(run.stdout).toContain('must change it at first sign-in');

    const signedIn = await signInAs('second.admin@example.test', password ?? '');
    expect(signedIn.passwordChangeRequired).toBe(true);
    // SEC-PS-01: the CLI hashes with the production argon2id parameters; the clear password is not stored.
    const row = await handle.db
      .selectFrom('users')
      .select('passwordHash')
      .where('email', '=', 'second.admin@example.test')
      .executeTakeFirstOrThrow();
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain(password);

    // SEC-TMP-03: like any temporary password, it expires after 72 h.
    const start = clock.now();
    clock.advance(72 * 3_600_000 + 60_000);
    try {
      await expect(signInAs('second.admin@example.test', password ?? '')).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
    } finally {
      clock.advance(start - clock.now());
    }
  });

  it('SEC-PW-01: a password the policy refuses exits 1 with its code and message; nothing is created', async () => {
    const run = await gatehouse(
      ['admin', 'create', '--email', 'short@example.test', '--name', 'Short', '--password-stdin'],
      {
        stdin: 'too short pw\n',
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'error: password_too_short: The password must be at least 15 characters long.',
    );
    expect(run.stderr).not.toContain('too short pw');
    expect(await findUserByEmail(deps, 'short@example.test')).toBeNull();
  });

  it('refuses an email that is taken (exit 1) and an invalid email (exit 2)', async () => {
    const [taken, invalid] = await Promise.all([
      gatehouse(['admin', 'create', '--email', 'FIRST.admin@example.test', '--name', 'Again', '--generate']),
      gatehouse(['admin', 'create', '--email', 'not-an-email', '--name', 'Nobody', '--generate']),
    ]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('error: email_taken:');
    expect(taken.stdout).toBe('');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("option '--email <email>' argument 'not-an-email' is invalid");
  });

  it('without a terminal and without --password-stdin or --generate, exits 2 and says what to pass', async () => {
    const [create, reset] = await Promise.all([
      gatehouse(['admin', 'create', '--email', 'notty@example.test', '--name', 'No Tty']),
      gatehouse(['users', 'reset-password', 'first.admin@example.test']),
    ]);
    for (const run of [create, reset]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--password-stdin');
      expect(run.stderr).toContain('--generate');
      expect(run.stdout).toBe('');
    }
    expect(await findUserByEmail(deps, 'notty@example.test')).toBeNull();
    // The reset did not happen: the first admin's password still works.
    await expect(signInAs('first.admin@example.test', GOOD_PASSWORD)).resolves.toBeDefined();
  });

  it.runIf(existsSync('/usr/bin/script'))(
    'on a terminal it asks twice without echoing what is typed, and refuses two different answers',
    async () => {
      const typed = 'amber meadow compass 4471 slowly';
      const ok = await gatehouseOnTerminal(
        ['admin', 'create', '--email', 'tty.admin@example.test', '--name', 'Tty Admin'],
        [typed, typed],
      );
      expect(ok.screen).toContain('New password for tty.admin@example.test:');
      expect(ok.screen).toContain('Type it again:');
      expect(ok.screen).not.toContain(typed);
      expect(ok.code).toBe(0);
      expect((await signInAs('tty.admin@example.test', typed)).passwordChangeRequired).toBe(true);

      const mismatch = await gatehouseOnTerminal(
        ['admin', 'create', '--email', 'tty.other@example.test', '--name', 'Tty Other'],
        [typed, `${typed}!`],
      );
      expect(mismatch.screen).toContain('passwords_do_not_match');
      expect(mismatch.screen).not.toContain(typed);
      expect(mismatch.code).toBe(1);
      expect(await findUserByEmail(deps, 'tty.other@example.test')).toBeNull();
    },
  );
});

describe('gatehouse users reset-password', () => {
  it('SEC-TMP-04: a break-glass reset sets a temporary password, ends every session and is audited as "cli"', async () => {
    const { user } = await createUser(deps, cliContext(), {
      email: 'locked.out@example.test',
      name: 'Locked Out',
      role: 'member',
      password: { password: GOOD_PASSWORD },
      temporary: false,
    });
    const first = await signInAs(user.email, GOOD_PASSWORD);
    const second = await signInAs(user.email, GOOD_PASSWORD);
    expect(await validateSession(deps, first.sessionSecret)).not.toBeNull();

    const newPassword = 'granite orchard whistle 8802 brightly';
    const run = await gatehouse(['users', 'reset-password', 'Locked.Out@example.test', '--password-stdin'], {
      stdin: `${newPassword}\r\n`,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(newPassword);

    // Every session has ended, in the database (SEC-SES-06).
    expect(await validateSession(deps, first.sessionSecret)).toBeNull();
    expect(await validateSession(deps, second.sessionSecret)).toBeNull();
    const sessions = await handle.db
      .selectFrom('sessions')
      .select('id')
      .where('userId', '=', user.id)
      .execute();
    expect(sessions).toHaveLength(0);

    const audit = await listAuditEvents(deps, {
      action: 'user.password_reset_by_admin',
      targetId: user.id,
      limit: 5,
    });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: { id: null, label: 'cli' },
      target: { id: user.id, label: 'locked.out@example.test' },
      userAgent: 'gatehouse-cli',
      details: { generated: false, sessionsEnded: 2 },
    });
    // The user is told by mail (queued in the outbox with the change), and the mail holds no password.
    const mail = await handle.db
      .selectFrom('mailOutbox')
      .select(['template', 'textBody', 'htmlBody'])
      .where('toAddress', '=', user.email)
      .execute();
    expect(mail.map((m) => m.template)).toEqual(['admin_password_reset']);
    expect(JSON.stringify(mail)).not.toContain(newPassword);

    // The old password is gone; the new one (\r\n stripped) is temporary.
    await expect(signInAs(user.email, GOOD_PASSWORD)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect((await signInAs(user.email, newPassword)).passwordChangeRequired).toBe(true);

    // --generate: printed once, works, temporary.
    const generated = await gatehouse(['users', 'reset-password', user.email, '--generate']);
    expect(generated.code).toBe(0);
    const password = /^\s+([a-z0-9]{5}(?:-[a-z0-9]{5}){5})$/m.exec(generated.stdout)?.[1] ?? '';
    expect(occurrences(generated.stdout, password)).toBe(1);
    expect(generated.stdout).toContain('must change it at first sign-in');
    expect((await signInAs(user.email, password)).passwordChangeRequired).toBe(true);
    await expect(signInAs(user.email, newPassword)).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('an unknown email exits 1 with a clear message and changes nothing', async () => {
    const before = await listAuditEvents(deps, { limit: 1 });
    const run = await gatehouse(['users', 'reset-password', 'nobody@example.test', '--generate']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error: user_not_found: No user has the email nobody@example.test.');
    const after = await listAuditEvents(deps, { limit: 1 });
    expect(after.items[0]?.id).toBe(before.items[0]?.id);
  });

  it("SEC-PW-01: the policy is the organization's (settings over environment); a refused password changes nothing", async () => {
    const defaults = defaultsFrom(config);
    await updateSettings(deps, cliContext(), defaults, { passwordMinLength: 40 });
    try {
      const run = await gatehouse(
        ['users', 'reset-password', 'first.admin@example.test', '--password-stdin'],
        {
          stdin: `${GOOD_PASSWORD}\n`,
        },
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(
        'error: password_too_short: The password must be at least 40 characters long.',
      );
    } finally {
      await updateSettings(deps, cliContext(), defaults, { passwordMinLength: defaults.passwordMinLength });
    }
    await expect(signInAs('first.admin@example.test', GOOD_PASSWORD)).resolves.toBeDefined();
  });
});

describe('gatehouse users list', () => {
  it('prints the users as JSON or as a table, paging past 100 with the keyset cursor', async () => {
    // 120 users in one transaction, with a hash made once: the listing is what is under test here.
    const passwordHash = await deps.hasher.hash(GOOD_PASSWORD);
    const actor: ActorContext = cliContext();
    await handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 120; i += 1) {
        const n = String(i).padStart(3, '0');
        await insertUser(trx, deps, actor, {
          email: `bulk${n}@list.test`,
          name: `Bulk ${n}`,
          role: i % 3 === 0 ? 'viewer' : 'member',
          passwordHash,
          temporary: false,
        });
      }
    });

    const [json, all, some, table] = await Promise.all([
      gatehouse(['users', 'list', '--q', 'EXAMPLE.test', '--json']),
      gatehouse(['users', 'list', '--q', 'LIST.TEST', '--limit', 'all', '--json']),
      gatehouse([
        'users',
        'list',
        '--q',
        'list.test',
        '--limit',
        '105',
        '--sort',
        'email',
        '--order',
        'desc',
        '--json',
      ]),
      gatehouse(['users', 'list', '--role', 'admin']),
    ]);
    for (const run of [json, all, some, table]) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }

    const first = JSON.parse(json.stdout) as { items: { email: string; role: string }[]; total: number };
    expect(first.total).toBe(first.items.length);
    expect(first.items.every((u) => u.email.endsWith('@example.test'))).toBe(true);
    expect(first.items.map((u) => u.email)).toEqual(
      expect.arrayContaining([
        'first.admin@example.test',
        'second.admin@example.test',
        'locked.out@example.test',
      ]),
    );
    expect(JSON.stringify(first)).not.toMatch(/passwordHash|argon2/);

    const everyone = JSON.parse(all.stdout) as { items: { email: string }[]; total: number };
    expect(everyone.total).toBe(120);
    expect(new Set(everyone.items.map((u) => u.email)).size).toBe(120);

    const page = JSON.parse(some.stdout) as { items: { email: string }[]; total: number };
    expect(page.total).toBe(120);
    expect(page.items.map((u) => u.email)).toEqual(
      Array.from({ length: 105 }, (_, i) => `bulk${String(119 - i).padStart(3, '0')}@list.test`),
    );

    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS\s+LAST SIGN-IN$/);
    expect(table.stdout).toMatch(
      /first\.admin@example\.test\s+First Admin\s+admin\s+active \(temporary password\)\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
    expect(table.stdout).not.toContain('bulk000');
  });
});

describe('usage, help and configuration', () => {
  it('every command answers --help with its description and exit 0', async () => {
    const commands = [
      [],
      ['serve'],
      ['migrate'],
      ['admin', 'create'],
      ['users', 'list'],
      ['users', 'reset-password'],
    ];
    const runs = await Promise.all(commands.map((c) => gatehouse([...c, '--help'])));
    runs.forEach((run, i) => {
      expect(run.code, commands[i]?.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: gatehouse ${commands[i]?.join(' ') ?? ''}`.trimEnd());
      expect(run.stderr).toBe('');
    });
    expect(runs[3]?.stdout).toContain('temporary');
    expect(runs[5]?.stdout).toContain('--password-stdin');
  });

  it('bad arguments exit 2 with the problem on stderr', async () => {
    const runs = await Promise.all([
      gatehouse(['users', 'list', '--limit', '0']),
      gatehouse(['users', 'frobnicate']),
      gatehouse([
        'admin',
        'create',
        '--email',
        'x@example.test',
        '--name',
        'X',
        '--generate',
        '--password-stdin',
      ]),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: /m);
      expect(run.stdout).toBe('');
    }
  });

  it('a bad configuration exits 78 and names the variable', async () => {
    const run = await gatehouse(['users', 'list'], { env: { PORT: 'abc' } });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('PORT="abc"');
    expect(run.stderr).toContain('a whole number from 0 to 65535');
    expect(run.stdout).toBe('');
  });
});
