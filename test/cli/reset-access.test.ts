import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { DbHandle } from '../../src/db/db.js';
import { confirmTotp, listFactors, startTotpEnrollment, type MfaDeps } from '../../src/modules/mfa/index.js';
import { totpCode, totpStep } from '../../src/modules/mfa/totp.js';
import { startSession, validateSession } from '../../src/modules/sessions/index.js';
import { createArgon2Hasher } from '../../src/modules/passwords/index.js';
import { TEST_ARGON2 } from '../harness.js';
import { createUser } from '../../src/modules/users/index.js';
import { cliContext } from '../../src/shared/context.js';
import { ManualClock } from '../clock.js';
import { freshDatabase } from '../database.js';
import { testSecretBox, TEST_SECRET_KEY } from '../secrets.js';
import { runGatehouse } from './run.js';
import { settingsOf } from '../settings.js';

/**
 * `gatehouse users reset-access` (SEC-MFA-08): the break-glass way back for an admin who lost their
 * factors, as a real process against a SQLite file or a fresh PostgreSQL database.
 */
let workdir: string;
let databaseUrl: string;
let handle: DbHandle;
let drop: () => Promise<void>;
let deps: MfaDeps & {
  hasher: ReturnType<typeof createArgon2Hasher>;
  config: Config;
};

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'gatehouse-reset-access-cli-'));
  const fresh = await freshDatabase({ sqlitePath: join(workdir, 'gatehouse.sqlite') });
  ({ handle, drop } = fresh);
  databaseUrl = fresh.url;
  const config = loadConfig({ DATABASE_URL: databaseUrl });
  deps = {
    db: handle.db,
    clock: new ManualClock(Date.now()),
    hasher: createArgon2Hasher(TEST_ARGON2, 2),
    secrets: testSecretBox(),
    config,
    settings: settingsOf(config),
  };
});

afterAll(async () => {
  await drop();
  rmSync(workdir, { recursive: true, force: true });
});

const gatehouse = (args: string[]) =>
  runGatehouse(args, { cwd: workdir, env: { DATABASE_URL: databaseUrl, SECRET_KEY: TEST_SECRET_KEY } });

describe('gatehouse users reset-access', () => {
  it('SEC-MFA-08: break-glass: the only admin, locked out of their factors, gets them removed from the shell, audited with the reason, and a link printed', async () => {
    const { user } = await createUser(deps, cliContext(), {
      email: 'only.admin@example.test',
      name: 'Only Admin',
      role: 'admin',
      password: { password: 'violet harbour lantern 1977 quietly' },
      temporary: false,
    });
    const started = await startTotpEnrollment(deps, user.id);
    await confirmTotp(
      deps,
      { ...cliContext(), actorId: user.id, actorLabel: user.email },
      null,
      started.id,
      totpCode(started.secret, totpStep(deps.clock.now())),
    );
    const session = await startSession(deps.db, deps, {
      userId: user.id,
      ip: null,
      userAgent: null,
    });
    expect((await listFactors(deps, user.id)).totp).toHaveLength(1);

    const missing = await gatehouse(['users', 'reset-access', user.email, '--scope', 'factors']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--reason');

    const run = await gatehouse([
      'users',
      'reset-access',
      user.email,
      '--scope',
      'factors',
      '--reason',
      'phone lost; identity checked in person',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Access reset for only.admin@example.test');
    expect(run.stdout).toMatch(/\/enroll\?token=[A-Za-z0-9_-]{43}/);
    expect(await listFactors(deps, user.id)).toMatchObject({ totp: [], recoveryCodes: null });
    expect(await validateSession(deps, session.secret)).toBeNull();
    const event = await deps.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'user.access_reset')
      .executeTakeFirstOrThrow();
    expect(event.actorLabel).toBe('cli');
    expect(JSON.parse(event.details)).toMatchObject({
      scope: 'factors',
      reason: 'phone lost; identity checked in person',
    });
  });
});
