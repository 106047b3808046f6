import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/app/server.js';
import { loadConfig } from '../../src/config/config.js';
import type { DbHandle } from '../../src/db/db.js';
import { createArgon2Hasher } from '../../src/modules/passwords/index.js';
import { readInstanceIdentity } from '../../src/modules/settings/index.js';
import { createUser, type User } from '../../src/modules/users/index.js';
import { cliContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { freshDatabase } from '../database.js';
import { TEST_ARGON2 } from '../harness.js';
import { runGatehouse } from './run.js';
import { TEST_SECRET_KEY } from '../secrets.js';
import { settingsOf } from '../settings.js';

/**
 * Issue 14, item 3: the server records its public URL and organization identity at start; the CLI,
 * run from a shell without the server's environment, builds the same links and names the same
 * organization, warns when its own PUBLIC_URL disagrees, and `invitations import --as` names and
 * audits the operating admin.
 */
const SERVER_URL = 'https://id.example.test';

let workdir: string;
let databaseUrl: string;
let handle: DbHandle;
let drop: () => Promise<void>;
let ada: User;

const gatehouse = (args: string[], env: Record<string, string> = {}) =>
  runGatehouse(args, { cwd: workdir, env: { DATABASE_URL: databaseUrl, ...env } });

/** Starts the real server (as `serve` does) with this environment on the test's database, then stops it. */
async function startAndStop(env: Record<string, string>) {
  const server = await startServer(
    loadConfig({
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HASH_CONCURRENCY: '2',
      // Every node of a deployment has the same key; PostgreSQL refuses to start without one.
      SECRET_KEY: TEST_SECRET_KEY,
      ...env,
    }),
    { handleSignals: false },
  );
  return server;
}

function csv(name: string, rows: string[]): string {
  const path = join(workdir, name);
  writeFileSync(path, `email,role\n${rows.join('\n')}\n`);
  return path;
}

async function mailTo(address: string, template: string) {
  return handle.db
    .selectFrom('mailOutbox')
    .select(['subject', 'textBody', 'htmlBody'])
    .where('toAddress', '=', address)
    .where('template', '=', template)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-identity-'));
  const fresh = await freshDatabase({ sqlitePath: join(workdir, 'gatehouse.sqlite') });
  ({ handle, drop } = fresh);
  databaseUrl = fresh.url;
  const deps = {
    db: handle.db,
    clock: new ManualClock(Date.now()),
    hasher: createArgon2Hasher(TEST_ARGON2, 2),
    config: loadConfig({}),
    settings: settingsOf(loadConfig({})),
  };
  const create = (email: string, name: string, role: 'admin' | 'member') =>
    createUser(deps, cliContext(), { email, name, role, password: { generate: true }, temporary: true });
  ada = (await create('ada@example.test', 'Ada Lovelace', 'admin')).user;
  await create('max@example.test', 'Max Member', 'member');
});

afterAll(async () => {
  await drop();
  rmSync(workdir, { recursive: true, force: true });
});

describe('the instance identity recorded at server start', () => {
  it('SEC-RST-07: mail queued by the CLI carries the public URL and organization the server recorded, not localhost:8080', async () => {
    const server = await startAndStop({ PUBLIC_URL: SERVER_URL, ORGANIZATION_NAME: 'Acme Corp' });
    await server.close();
    expect(await readInstanceIdentity(handle.db)).toEqual({
      publicUrl: SERVER_URL,
      publicUrlFromEnvironment: true,
      organizationName: 'Acme Corp',
    });

    // A shell with neither PUBLIC_URL nor ORGANIZATION_NAME (nor PORT): the CLI's own default would be localhost:8080.
    const [invite, role] = await Promise.all([
      gatehouse([
        'invitations',
        'import',
        csv('one.csv', ['new1@example.test,member']),
        '--as',
        'ADA@example.test',
      ]),
      gatehouse(['users', 'set-role', 'max@example.test', 'viewer']),
    ]);
    expect(invite.stderr).toBe('');
    expect(invite.code).toBe(0);
    expect(role.code).toBe(0);

    const mail = await mailTo('new1@example.test', 'invitation');
    expect(mail.textBody).toMatch(
      /https:\/\/id\.example\.test\/invitations\/accept\?token=[A-Za-z0-9_-]{43}/,
    );
    expect(`${mail.textBody}${mail.htmlBody}`).not.toContain('localhost');
    // --as: the mail names the admin, not "Gatehouse invited you to Gatehouse".
    expect(mail.subject).toBe('Ada Lovelace invited you to Acme Corp');
    expect((await mailTo('max@example.test', 'role_changed')).subject).toBe('Your role in Acme Corp changed');

    const invitation = await handle.db
      .selectFrom('invitations')
      .select(['inviterId', 'inviterName'])
      .where('email', '=', 'new1@example.test')
      .executeTakeFirstOrThrow();
    expect(invitation).toEqual({ inviterId: ada.id, inviterName: 'Ada Lovelace' });
    // Audited as that admin, through the CLI.
    const event = await handle.db
      .selectFrom('auditEvents')
      .select(['actorId', 'actorLabel', 'userAgent', 'targetLabel'])
      .where('action', '=', 'invitation.created')
      .executeTakeFirstOrThrow();
    expect(event).toEqual({
      actorId: ada.id,
      actorLabel: 'ada@example.test',
      userAgent: 'gatehouse-cli',
      targetLabel: 'new1@example.test',
    });
  });

  it("warns when the shell's PUBLIC_URL differs from the recorded one, and uses the shell's", async () => {
    const [other, same] = await Promise.all([
      gatehouse(['invitations', 'import', csv('two.csv', ['new2@example.test,viewer'])], {
        PUBLIC_URL: 'https://other.example.test',
      }),
      gatehouse(['invitations', 'import', csv('three.csv', ['new3@example.test,viewer'])], {
        PUBLIC_URL: `${SERVER_URL}/`,
      }),
    ]);
    expect(other.code).toBe(0);
    expect(other.stderr).toBe(
      'warning: PUBLIC_URL is https://other.example.test here, but the server recorded https://id.example.test ' +
        "at its last start; links in mail from this command use https://other.example.test. Unset PUBLIC_URL to use the server's.\n",
    );
    expect((await mailTo('new2@example.test', 'invitation')).textBody).toContain(
      'https://other.example.test/invitations/accept?token=',
    );
    // Without --as, the organization invites; the organization is still the recorded one.
    expect((await mailTo('new2@example.test', 'invitation')).subject).toBe(
      'Acme Corp invited you to Acme Corp',
    );
    expect(same.code).toBe(0);
    expect(same.stderr).toBe('');
  });

  it('--as refuses an unknown address and a user who is not an active admin; nothing is invited', async () => {
    const file = csv('refused.csv', ['refused@example.test,member']);
    const [unknown, member] = await Promise.all([
      gatehouse(['invitations', 'import', file, '--as', 'nobody@example.test']),
      gatehouse(['invitations', 'import', file, '--as', 'max@example.test']),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'error: as_user_not_found: --as nobody@example.test: no user has this email.\n',
    );
    expect(member.code).toBe(1);
    expect(member.stderr).toBe(
      'error: as_not_admin: --as max@example.test: only an active admin can invite from the CLI (this user is a viewer).\n',
    );
    const rows = await handle.db
      .selectFrom('invitations')
      .select('id')
      .where('email', '=', 'refused@example.test')
      .execute();
    expect(rows).toEqual([]);
  });

  it('a node started without PUBLIC_URL uses the recorded one; a changed PUBLIC_URL is recorded and audited', async () => {
    const second = await startAndStop({});
    try {
      // The node's origin is the recorded URL: the cross-site check accepts it and refuses localhost.
      const post = (origin: string) =>
        second.app.inject({
          method: 'POST',
          url: '/api/v1/auth/forgot-password',
          headers: { origin },
          payload: { email: 'nobody@example.test' },
        });
      expect((await post(SERVER_URL)).statusCode).toBe(202);
      expect((await post('http://localhost:8080')).statusCode).toBe(403);
    } finally {
      await second.close();
    }
    expect((await readInstanceIdentity(handle.db)).publicUrl).toBe(SERVER_URL);

    const third = await startAndStop({ PUBLIC_URL: 'https://new.example.test' });
    await third.close();
    expect(await readInstanceIdentity(handle.db)).toEqual({
      publicUrl: 'https://new.example.test',
      publicUrlFromEnvironment: true,
      organizationName: 'Acme Corp',
    });
    const changes = await handle.db
      .selectFrom('auditEvents')
      .select(['actorLabel', 'details'])
      .where('action', '=', 'instance.public_url_changed')
      .orderBy('id')
      .execute();
    expect(changes.map((c) => ({ actor: c.actorLabel, details: JSON.parse(c.details) as unknown }))).toEqual([
      { actor: 'server', details: { from: null, to: SERVER_URL } },
      { actor: 'server', details: { from: SERVER_URL, to: 'https://new.example.test' } },
    ]);
  });
});
