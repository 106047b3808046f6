import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig } from '../../src/config/config.js';
import { createDb, type DbHandle } from '../../src/db/db.js';
import { parseCsv } from '../../src/cli/commands/invitations.js';
import { createArgon2Hasher } from '../../src/modules/passwords/index.js';
import { createUser } from '../../src/modules/users/index.js';
import { cliContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { freshDatabase, TEST_DIALECT } from '../database.js';
import { STRONG_PASSWORD, TEST_ARGON2 } from '../harness.js';
import { testSecretBox } from '../secrets.js';
import { runGatehouse, runGatehouseOnTerminal, type Run } from './run.js';
import { settingsOf } from '../settings.js';

/**
 * `gatehouse invitations import <file.csv>` as an operator runs it: a real process against a SQLite
 * file or a fresh PostgreSQL database, checked through the database and, for one row, by accepting
 * the mailed link through the real app.
 */
const PUBLIC_URL = 'https://auth.example.org';

let workdir: string;
let databaseUrl: string;
let handle: DbHandle;
let dropDatabase: () => Promise<void>;

function gatehouse(args: string[]): Promise<Run> {
  return runGatehouse(args, { cwd: workdir, env: { DATABASE_URL: databaseUrl, PUBLIC_URL } });
}

/** The same command on a pseudo-terminal (util-linux `script`): what a person at a terminal sees. */
function gatehouseOnTerminal(args: string[]): Promise<{ code: number | null; screen: string }> {
  return runGatehouseOnTerminal(args, { cwd: workdir, env: { DATABASE_URL: databaseUrl, PUBLIC_URL } });
}

function csvFile(name: string, content: string): string {
  const path = join(workdir, name);
  writeFileSync(path, content);
  return path;
}

async function invitationCount(prefix: string): Promise<number> {
  const rows = await handle.db
    .selectFrom('invitations')
    .select('id')
    .where('email', 'like', `${prefix}%`)
    .execute();
  return rows.length;
}

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-invite-cli-'));
  if (TEST_DIALECT === 'postgres') {
    const fresh = await freshDatabase();
    handle = fresh.handle;
    databaseUrl = fresh.url;
    dropDatabase = fresh.drop;
  } else {
    databaseUrl = join(workdir, 'gatehouse.sqlite');
    handle = createDb({ kind: 'sqlite', path: databaseUrl });
    await handle.migrate();
    dropDatabase = () => handle.close();
  }
});

afterAll(async () => {
  await dropDatabase();
  rmSync(workdir, { recursive: true, force: true });
});

describe('gatehouse invitations import', () => {
  it('imports 1,000 rows; the malformed row at line 501 is reported by line and the 999 others are invited', async () => {
    const lines = ['email,role,name'];
    for (let i = 1; i <= 1000; i += 1) {
      // Data row i is on line i + 1; line 501 gets a bad email.
      const email = i + 1 === 501 ? 'bulk500-at-example.test' : `bulk${i}@example.test`;
      lines.push(`${email},${i % 3 === 0 ? 'viewer' : 'member'},"Person ${i}, Jr."`);
    }
    const file = csvFile('thousand.csv', `${lines.join('\r\n')}\r\n`);

    const run = await gatehouse(['invitations', 'import', file]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const out = run.stdout.split('\n');
    expect(out.filter((l) => /^line \d+: invited /.test(l))).toHaveLength(999);
    const errors = out.filter((l) => /^line \d+: error/.test(l));
    expect(errors).toEqual([
      'line 501: error bulk500-at-example.test: validation_failed: email: must be an email address',
    ]);
    expect(out).toContain('line 2: invited bulk1@example.test as member');
    expect(out).toContain('line 1001: invited bulk1000@example.test as member');
    expect(run.stdout).toContain('999 invited, 1 failed, of 1000 rows.');

    expect(await invitationCount('bulk')).toBe(999);
    const sample = await handle.db
      .selectFrom('invitations')
      .selectAll()
      .where('email', '=', 'bulk3@example.test')
      .executeTakeFirstOrThrow();
    expect(sample).toMatchObject({
      role: 'viewer',
      name: 'Person 3, Jr.',
      status: 'pending',
      inviterId: null,
      inviterName: 'Gatehouse',
    });
    const mails = await handle.db
      .selectFrom('mailOutbox')
      .select(['toAddress', 'textBody'])
      .where('template', '=', 'invitation')
      .where('toAddress', 'like', 'bulk%')
      .execute();
    expect(mails).toHaveLength(999);
    const events = await handle.db
      .selectFrom('auditEvents')
      .select(['actorLabel'])
      .where('action', '=', 'invitation.created')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(999);
    expect(new Set(events.map((e) => e.actorLabel))).toEqual(new Set(['cli']));

    // The mailed link works: accepting it through the real app creates the user and signs them in.
    const mail = mails.find((m) => m.toAddress === 'bulk2@example.test');
    const link = /https:\/\/auth\.example\.org\/invitations\/accept\?token=([A-Za-z0-9_-]{43})/.exec(
      mail?.textBody ?? '',
    );
    expect(link).not.toBeNull();
    const app = await buildApp({
      config: loadConfig({ PUBLIC_URL, LOG_LEVEL: 'silent' }),
      database: handle,
      clock: new ManualClock(Date.now()),
      hasher: createArgon2Hasher(TEST_ARGON2, 2),
      secrets: testSecretBox(),
    });
    try {
      const lookup = await app.inject({
        method: 'GET',
        url: `/api/v1/invitations/lookup?token=${link?.[1]}`,
      });
      expect(lookup.json()).toMatchObject({
        email: 'bulk2@example.test',
        inviter: 'Gatehouse',
        role: 'member',
      });
      const accepted = await app.inject({
        method: 'POST',
        url: '/api/v1/invitations/accept',
        payload: { token: link?.[1], name: 'Bo Two', password: STRONG_PASSWORD },
      });
      expect(accepted.statusCode).toBe(201);
      expect(accepted.json().user).toMatchObject({ email: 'bulk2@example.test', status: 'active' });
    } finally {
      await app.close();
    }
  });

  it('reports each bad row by line (quoting, columns, role, duplicates, existing users) and goes on', async () => {
    await createUser(
      {
        db: handle.db,
        clock: new ManualClock(Date.now()),
        hasher: createArgon2Hasher(TEST_ARGON2, 2),
        config: loadConfig({ PUBLIC_URL }),
        settings: settingsOf(loadConfig({ PUBLIC_URL })),
      },
      cliContext(),
      {
        email: 'mix-user@example.test',
        name: 'Existing',
        role: 'member',
        password: { generate: true },
        temporary: true,
      },
    );
    // No header row: columns are email, role, name.
    const file = csvFile(
      'mixed.csv',
      [
        'mix1@example.test,member,"Smith, Anna ""Annie"""', // 1: quotes and a comma in the name
        '"mix2@example.test",ADMIN', // 2: no name; role case-insensitive
        '', // 3: blank lines are skipped
        'mix3@example.test,owner,Olly', // 4: unknown role
        '"mix4@example.test,member,Unclosed', // 5: a stray quote must not swallow the next rows
        'mix5@example.test,viewer,Val,extra', // 6: too many columns
        'mix1@example.test,viewer', // 7: already invited (line 1)
        'mix-user@example.test,member', // 8: already a user
        'mix6@example.test , member ,"Multi', // 9: a quoted field over two lines is one field…
        'line name"', // 10: …but names refuse line breaks (SEC-IN-03)
        'mix7@example.test,viewer,  ', // 11: an empty name is no name
      ].join('\n'),
    );
    const run = await gatehouse(['invitations', 'import', file]);
    expect(run.code).toBe(1);
    const results = run.stdout.split('\n').filter((l) => l.startsWith('line '));
    expect(results).toEqual([
      'line 1: invited mix1@example.test as member',
      'line 2: invited mix2@example.test as admin',
      expect.stringMatching(/^line 4: error mix3@example\.test: validation_failed: role: /),
      expect.stringMatching(/^line 5: error: malformed_row: a quote is not closed on its line/),
      'line 6: error: malformed_row: expected 2 or 3 columns (email, role, name), got 4',
      expect.stringMatching(/^line 7: error mix1@example\.test: already_invited: /),
      expect.stringMatching(/^line 8: error mix-user@example\.test: email_taken: /),
      expect.stringMatching(/^line 9: error mix6@example\.test: validation_failed: name: /),
      'line 11: invited mix7@example.test as viewer',
    ]);
    expect(run.stdout).toContain('3 invited, 6 failed, of 9 rows.');
    const names = await handle.db
      .selectFrom('invitations')
      .select(['email', 'name', 'role'])
      .where('email', 'like', 'mix%')
      .orderBy('email')
      .execute();
    expect(names).toEqual([
      { email: 'mix1@example.test', name: 'Smith, Anna "Annie"', role: 'member' },
      { email: 'mix2@example.test', name: null, role: 'admin' },
      { email: 'mix7@example.test', name: null, role: 'viewer' },
    ]);
  });

  it('exits 0 when every row is invited, with a progress bar on a terminal', async () => {
    const file = csvFile(
      'ok.csv',
      'name,email,role\n"Tee, One",tty1@example.test,member\nTee Two,tty2@example.test,viewer\n',
    );
    // With a header, columns go by name (in any order).
    const header = await gatehouse([
      'invitations',
      'import',
      csvFile('bad-header.csv', 'email,rank\na@b.test,x\n'),
    ]);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('bad_header');

    const run = await gatehouseOnTerminal(['invitations', 'import', file]);
    expect(run.code).toBe(0);
    expect(run.screen).toContain('[##############################] 2/2 (100%)');
    expect(run.screen).toContain('2 invited, 0 failed, of 2 rows.');
    expect(await invitationCount('tty')).toBe(2);
  });

  it('a missing file is a usage error (exit 2)', async () => {
    const run = await gatehouse(['invitations', 'import', join(workdir, 'nope.csv')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: file_unreadable:');
  });
});

describe('parseCsv', () => {
  it('reads RFC 4180 quoting and CRLF, and reports broken records with their starting line', () => {
    expect(parseCsv('\uFEFFa,"b,c"\r\n"x ""y""",z\r\n')).toEqual([
      { line: 1, fields: ['a', 'b,c'] },
      { line: 2, fields: ['x "y"', 'z'] },
    ]);
    expect(parseCsv('a,"multi\nline",b\nnext,row')).toEqual([
      { line: 1, fields: ['a', 'multi\nline', 'b'] },
      { line: 3, fields: ['next', 'row'] },
    ]);
    const broken = parseCsv('"open,row\nfine,row\n"x"y,z\nlast,row');
    expect(broken.map((r) => [r.line, r.error ? 'error' : r.fields.join('|')])).toEqual([
      [1, 'error'],
      [2, 'fine|row'],
      [3, 'error'],
      [4, 'last|row'],
    ]);
  });
});
