import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { DbHandle } from '../../src/db/db.js';
import { listAuditEvents } from '../../src/modules/audit/index.js';
import { signIn, type AuthCtx } from '../../src/modules/auth/index.js';
import {
  createInvitation,
  lookupInvitation,
  revokeInvitation,
  type InvitationsCtx,
} from '../../src/modules/invitations/index.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../../src/modules/passwords/index.js';
import { validateSession } from '../../src/modules/sessions/index.js';
import { createUser, findUserByEmail, type User } from '../../src/modules/users/index.js';
import { cliContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { freshDatabase } from '../database.js';
import { runGatehouse } from './run.js';
import { settingsOf } from '../settings.js';

/**
 * Issue 14, item 2 (CLI part): `users create|deactivate|activate|set-role` and
 * `invitations list|revoke`, as real processes against a SQLite file or a fresh PostgreSQL
 * database; what they did is checked through the services and the database.
 */
const GOOD_PASSWORD = 'violet harbour lantern 1977 quietly';
const GENERATED = /^\s+([a-z0-9]{5}(?:-[a-z0-9]{5}){5})$/m;

let workdir: string;
let databaseUrl: string;
let handle: DbHandle;
let drop: () => Promise<void>;
let deps: AuthCtx;
let invitationDeps: InvitationsCtx;
let root: User;
let clock: ManualClock;

const gatehouse = (args: string[], stdin?: string) =>
  runGatehouse(args, {
    cwd: workdir,
    env: { DATABASE_URL: databaseUrl },
    ...(stdin === undefined ? {} : { stdin }),
  });

async function signInAs(email: string, password: string) {
  const result = await signIn(
    deps,
    { ...cliContext(), actorLabel: 'anonymous', userAgent: 'test' },
    { email, password },
  );
  if ('mfaRequired' in result) throw new Error('no user of this file has a second factor');
  return result;
}

async function seed(email: string, role: 'admin' | 'member' | 'viewer'): Promise<User> {
  const { user } = await createUser(deps, cliContext(), {
    email,
    name: email.split('@')[0] ?? email,
    role,
    password: { password: GOOD_PASSWORD },
    temporary: false,
  });
  return user;
}

async function templatesTo(address: string): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('mailOutbox')
    .select('template')
    .where('toAddress', '=', address)
    .execute();
  return rows.map((r) => r.template);
}

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-user-cli-'));
  const fresh = await freshDatabase({ sqlitePath: join(workdir, 'gatehouse.sqlite') });
  ({ handle, drop } = fresh);
  databaseUrl = fresh.url;
  const config = loadConfig({ DATABASE_URL: databaseUrl });
  clock = new ManualClock(Date.now());
  deps = {
    db: handle.db,
    clock,
    hasher: createArgon2Hasher(PRODUCTION_ARGON2, 2),
    config,
    settings: settingsOf(config),
  };
  invitationDeps = { ...deps, settings: settingsOf(config, { membersMayInvite: false }) };
  // The only admin: the last-admin guard applies to it.
  root = await seed('root@example.test', 'admin');
});

afterAll(async () => {
  await drop();
  rmSync(workdir, { recursive: true, force: true });
});

describe('gatehouse users create', () => {
  it('SEC-TMP-01: creates a user with the given role and a temporary password (generated: shown once), audited as "cli"', async () => {
    const [generated, typed, short, taken, badRole] = await Promise.all([
      gatehouse([
        'users',
        'create',
        '--email',
        'Vera@Example.test',
        '--name',
        'Vera Viewer',
        '--role',
        'viewer',
        '--generate',
      ]),
      gatehouse(
        ['users', 'create', '--email', 'mo@example.test', '--name', 'Mo Member', '--password-stdin'],
        `${GOOD_PASSWORD}\n`,
      ),
      gatehouse(
        ['users', 'create', '--email', 'short@example.test', '--name', 'Short', '--password-stdin'],
        'too short pw\n',
      ),
      gatehouse(['users', 'create', '--email', 'ROOT@example.test', '--name', 'Again', '--generate']),
      gatehouse([
        'users',
        'create',
        '--email',
        'o@example.test',
        '--name',
        'O',
        '--role',
        'owner',
        '--generate',
      ]),
    ]);

    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    const vera = await findUserByEmail(deps, 'vera@example.test');
    expect(vera).toMatchObject({ role: 'viewer', status: 'active', passwordChangeRequired: true });
    expect(generated.stdout).toContain(`Created viewer vera@example.test (id ${vera?.id}).`);
    const password = GENERATED.exec(generated.stdout)?.[1] ?? '';
    expect(generated.stdout.split(password)).toHaveLength(2);
    // It signs in, into a restricted session until the user chooses their own password.
    expect((await signInAs('vera@example.test', password)).passwordChangeRequired).toBe(true);

    // Typed on stdin: the role defaults to member, and it is temporary too (SEC-TMP-01).
    expect(typed.code).toBe(0);
    expect(typed.stdout).not.toContain(GOOD_PASSWORD);
    expect((await signInAs('mo@example.test', GOOD_PASSWORD)).passwordChangeRequired).toBe(true);
    expect((await findUserByEmail(deps, 'mo@example.test'))?.role).toBe('member');

    const audit = await listAuditEvents(deps, { action: 'user.created', targetId: vera?.id, limit: 5 });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: { id: null, label: 'cli' },
      userAgent: 'gatehouse-cli',
      details: { role: 'viewer', temporaryPassword: true },
    });

    // Refusals change nothing: the policy (exit 1), a taken address (exit 1), an unknown role (exit 2).
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('error: password_too_short:');
    expect(await findUserByEmail(deps, 'short@example.test')).toBeNull();
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('error: email_taken:');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain(
      "argument 'owner' is invalid. Allowed choices are admin, member, viewer.",
    );
    expect(await findUserByEmail(deps, 'o@example.test')).toBeNull();
  });
});

describe('gatehouse users set-role, deactivate and activate', () => {
  it('SEC-AZ-04: the last active admin can be neither demoted nor deactivated from the CLI', async () => {
    const [demote, deactivate] = await Promise.all([
      gatehouse(['users', 'set-role', 'root@example.test', 'member']),
      gatehouse(['users', 'deactivate', 'root@example.test']),
    ]);
    for (const run of [demote, deactivate]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'error: last_admin: The last active admin cannot be demoted, deactivated or deleted.\n',
      );
      expect(run.stdout).toBe('');
    }
    expect(await findUserByEmail(deps, 'root@example.test')).toMatchObject({
      role: 'admin',
      status: 'active',
    });
  });

  it('set-role changes the role, notifies the user and audits old → new as "cli"', async () => {
    const mia = await seed('mia@example.test', 'member');
    const [promote, same, badRole, unknown] = await Promise.all([
      gatehouse(['users', 'set-role', 'Mia@example.test', 'admin']),
      gatehouse(['users', 'set-role', 'root@example.test', 'admin']),
      gatehouse(['users', 'set-role', 'mia@example.test', 'owner']),
      gatehouse(['users', 'set-role', 'nobody@example.test', 'viewer']),
    ]);
    expect(promote.stderr).toBe('');
    expect(promote.stdout).toBe('mia@example.test is now admin (was member).\n');
    expect(same.stdout).toBe('root@example.test is already admin; nothing changed.\n');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('the role must be one of admin, member, viewer');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: user_not_found: No user has the email nobody@example.test.\n');

    expect((await findUserByEmail(deps, 'mia@example.test'))?.role).toBe('admin');
    const audit = await listAuditEvents(deps, { action: 'user.role_changed', targetId: mia.id, limit: 5 });
    expect(audit.items.map((e) => [e.actor.label, e.details])).toEqual([
      ['cli', { from: 'member', to: 'admin' }],
    ]);
    expect(await templatesTo('mia@example.test')).toEqual(['role_changed']);

    // With a second active admin, the first one may now be demoted (and back).
    const down = await gatehouse(['users', 'set-role', 'root@example.test', 'member']);
    expect(down.code).toBe(0);
    const up = await gatehouse(['users', 'set-role', 'root@example.test', 'admin']);
    expect(up.code).toBe(0);
    expect((await findUserByEmail(deps, root.email))?.role).toBe('admin');
  });

  it('SEC-SES-06: deactivate ends every session at once and notifies; activate lets the user sign in again', async () => {
    const dan = await seed('dan@example.test', 'member');
    const session = await signInAs(dan.email, GOOD_PASSWORD);
    expect(await validateSession(deps, session.sessionSecret)).not.toBeNull();

    const off = await gatehouse(['users', 'deactivate', 'DAN@example.test']);
    expect(off.stderr).toBe('');
    expect(off.stdout).toBe('Deactivated dan@example.test; their sessions and API tokens have ended.\n');
    expect(await validateSession(deps, session.sessionSecret)).toBeNull();
    expect((await findUserByEmail(deps, dan.email))?.status).toBe('deactivated');
    await expect(signInAs(dan.email, GOOD_PASSWORD)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await templatesTo(dan.email)).toEqual(['deactivated']);

    const again = await gatehouse(['users', 'deactivate', dan.email]);
    expect(again.stdout).toBe('dan@example.test is already deactivated; nothing changed.\n');
    const activated = await gatehouse(['users', 'activate', dan.email]);
    expect(activated.stdout).toBe('Activated dan@example.test; they can sign in again.\n');
    expect((await signInAs(dan.email, GOOD_PASSWORD)).user.status).toBe('active');

    const audit = await listAuditEvents(deps, { targetId: dan.id, limit: 10 });
    expect(
      audit.items
        .filter((e) => e.action !== 'user.created' && !e.action.startsWith('auth.'))
        .map((e) => [e.action, e.actor.label]),
    ).toEqual([
      ['user.activated', 'cli'],
      ['user.deactivated', 'cli'],
    ]);
  });
});

describe('gatehouse invitations list and revoke', () => {
  it('lists invitations as a table or JSON, filtered by status', async () => {
    const admin = { id: root.id, name: 'Root Admin', role: 'admin' as const };
    // One invitation 100 hours old: past its 72 h, it lists as expired.
    const old = { ...invitationDeps, clock: new ManualClock(Date.now() - 100 * 3_600_000) };
    await createInvitation(old, cliContext(), admin, { email: 'inv-old@example.test', role: 'viewer' });
    await createInvitation(invitationDeps, cliContext(), admin, {
      email: 'inv-a@example.test',
      role: 'member',
      name: 'Ann A',
    });
    clock.advance(60_000);
    const b = await createInvitation(invitationDeps, cliContext(), admin, {
      email: 'inv-b@example.test',
      role: 'admin',
    });
    await revokeInvitation(invitationDeps, cliContext(), b.id);

    const [table, pending, expired, badStatus] = await Promise.all([
      gatehouse(['invitations', 'list', '--q', 'inv-']),
      gatehouse(['invitations', 'list', '--q', 'inv-', '--status', 'pending', '--json']),
      gatehouse(['invitations', 'list', '--status', 'expired', '--json']),
      gatehouse(['invitations', 'list', '--status', 'lost']),
    ]);
    expect(table.stderr).toBe('');
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^EMAIL +NAME +ROLE +STATUS +INVITED BY +INVITED +EXPIRES$/);
    // Newest first.
    expect(lines.slice(1, 4).map((l) => l.split(/ {2,}/).slice(0, 5))).toEqual([
      ['inv-b@example.test', 'admin', 'revoked', 'Root Admin', expect.stringMatching(/ UTC$/)],
      ['inv-a@example.test', 'Ann A', 'member', 'pending', 'Root Admin'],
      ['inv-old@example.test', 'viewer', 'expired', 'Root Admin', expect.stringMatching(/ UTC$/)],
    ]);
    expect(table.stdout).toContain('\n3 invitations.\n');

    const parsed = JSON.parse(pending.stdout) as {
      items: { email: string; status: string }[];
      total: number;
    };
    expect(parsed.total).toBe(1);
    expect(parsed.items.map((i) => [i.email, i.status])).toEqual([['inv-a@example.test', 'pending']]);
    expect(JSON.stringify(parsed)).not.toMatch(/token/i);
    expect((JSON.parse(expired.stdout) as { items: { email: string }[] }).items.map((i) => i.email)).toEqual([
      'inv-old@example.test',
    ]);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain('Allowed choices are pending, accepted, expired, revoked.');
  });

  it('revokes a pending invitation by email or by id: its link stops working; audited as "cli"', async () => {
    const admin = { id: root.id, name: 'Root Admin', role: 'admin' as const };
    const c = await createInvitation(invitationDeps, cliContext(), admin, {
      email: 'inv-c@example.test',
      role: 'viewer',
    });
    const mail = await handle.db
      .selectFrom('mailOutbox')
      .select('textBody')
      .where('toAddress', '=', 'inv-a@example.test')
      .executeTakeFirstOrThrow();
    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.textBody ?? '')?.[1] ?? '';
    expect((await lookupInvitation(invitationDeps, token)).email).toBe('inv-a@example.test');

    const [byEmail, byId] = await Promise.all([
      gatehouse(['invitations', 'revoke', 'INV-A@example.test']),
      gatehouse(['invitations', 'revoke', c.id]),
    ]);
    expect(byEmail.stderr).toBe('');
    expect(byEmail.stdout).toBe('Revoked the invitation of inv-a@example.test; its link no longer works.\n');
    expect(byId.stdout).toBe(`Revoked invitation ${c.id}; its link no longer works.\n`);
    await expect(lookupInvitation(invitationDeps, token)).rejects.toMatchObject({ code: 'invalid_token' });
    const rows = await handle.db
      .selectFrom('invitations')
      .select(['email', 'status'])
      .where('email', 'in', ['inv-a@example.test', 'inv-c@example.test'])
      .orderBy('email')
      .execute();
    expect(rows).toEqual([
      { email: 'inv-a@example.test', status: 'revoked' },
      { email: 'inv-c@example.test', status: 'revoked' },
    ]);
    const audit = await listAuditEvents(deps, { action: 'invitation.revoked', limit: 10 });
    expect(
      audit.items
        .filter((e) => e.target.label === 'inv-a@example.test' || e.target.label === 'inv-c@example.test')
        .map((e) => e.actor.label),
    ).toEqual(['cli', 'cli']);

    const [again, unknownId, revoked] = await Promise.all([
      gatehouse(['invitations', 'revoke', 'inv-a@example.test']),
      gatehouse(['invitations', 'revoke', 'no-such-id']),
      gatehouse(['invitations', 'revoke', c.id]),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: invitation_not_found: No pending invitation for inv-a@example.test.\n');
    expect(unknownId.code).toBe(1);
    expect(unknownId.stderr).toBe('error: invitation_not_found: No such invitation.\n');
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('error: invitation_not_pending:');
  });
});

describe('gatehouse users delete', () => {
  it('SEC-AZ-04: needs --yes; deletes a user (tombstone, audited as "cli"), never the last active admin', async () => {
    const zoe = await seed('zoe@example.test', 'member');
    const unconfirmed = await gatehouse(['users', 'delete', 'zoe@example.test']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toBe(
      'error: confirmation_required: This deletes zoe@example.test for good. Run again with --yes to confirm.\n',
    );
    expect(await findUserByEmail(deps, 'zoe@example.test')).not.toBeNull();

    const deleted = await gatehouse(['users', 'delete', 'zoe@example.test', '--yes']);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(
      `Deleted zoe@example.test; the audit log keeps its events under deleted-user:${zoe.id}.\n`,
    );
    expect(await findUserByEmail(deps, 'zoe@example.test')).toBeNull();
    const audit = await listAuditEvents(deps, { action: 'user.deleted', targetId: zoe.id, limit: 5 });
    expect(audit.items.map((e) => [e.actor.label, e.target.label])).toEqual([
      ['cli', `deleted-user:${zoe.id}`],
    ]);

    // Demote every other admin: root is then the last active admin, and stays.
    for (const email of ['mia@example.test']) {
      const other = await findUserByEmail(deps, email);
      if (other?.role === 'admin') await gatehouse(['users', 'set-role', email, 'member']);
    }
    const last = await gatehouse(['users', 'delete', 'root@example.test', '--yes']);
    expect(last.code).toBe(1);
    expect(last.stderr).toBe(
      'error: last_admin: The last active admin cannot be demoted, deactivated or deleted.\n',
    );
    expect(await findUserByEmail(deps, 'root@example.test')).not.toBeNull();
  });
});
