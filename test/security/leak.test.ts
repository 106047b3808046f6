import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { issueSetupLink } from '../../src/modules/auth/index.js';
import { buildTestApp, request, sessionCookieOf, type TestApp } from '../harness.js';

/** A password nobody would choose, with a random core that a partial leak would still reveal. */
function canaryPassword(label: string): { value: string; core: string } {
  const core = randomBytes(12).toString('base64url');
  return { value: `${label} canary ${core} pass`, core };
}

/** Every row of every table of the app's database, as JSON text. */
async function dumpDatabase(t: TestApp): Promise<{ tables: string[]; text: string }> {
  const names =
    t.db.dialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(t.db.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.db.db);
  const tables = names.rows.map((r) => r.name).sort();
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.db.db);
    parts.push(`${table}: ${JSON.stringify(rows.rows)}`);
  }
  return { tables, text: parts.join('\n') };
}

describe('SEC-LEAK-01: no secret in logs or storage', () => {
  it('SEC-LEAK-01: canary secrets from every flow appear in no log line and no stored row', async () => {
    // Trace level: the most the app ever logs.
    const t = await buildTestApp({ env: { LOG_LEVEL: 'trace' } });
    const secrets: Record<string, string> = {};
    const ua = { 'user-agent': 'LeakProbe/1.0' };

    // First run: the one-time setup token.
    const link = await issueSetupLink(t.deps);
    const setupToken = new URL(link ?? '').searchParams.get('token') ?? '';
    expect(setupToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    secrets.setupToken = setupToken;
    // The person opens the setup link (the token travels in the query string, as links do).
    await t.app.inject({ method: 'GET', url: `/setup?token=${setupToken}`, headers: ua });
    // A wrong token first, then the right one.
    const adminPassword = canaryPassword('admin');
    secrets.adminPassword = adminPassword.value;
    secrets.adminPasswordCore = adminPassword.core;
    const wrongToken = randomBytes(32).toString('base64url');
    secrets.wrongSetupToken = wrongToken;
    const badSetup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      headers: ua,
      payload: {
        token: wrongToken,
        email: 'root@example.test',
        name: 'Rita Root',
        password: adminPassword.value,
      },
    });
    expect(badSetup.statusCode).toBe(400);
    const setup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      headers: ua,
      payload: {
        token: setupToken,
        email: 'root@example.test',
        name: 'Rita Root',
        password: adminPassword.value,
      },
    });
    expect(setup.statusCode).toBe(201);
    const admin = sessionCookieOf(setup);

    // A user created with a typed (temporary) password, who signs in and chooses their own.
    const typed = canaryPassword('typed');
    secrets.typedTemporary = typed.value;
    secrets.typedTemporaryCore = typed.core;
    const created = await request(t, admin, {
      method: 'POST',
      url: '/api/v1/users',
      headers: ua,
      payload: { email: 'mia@example.test', name: 'Mia Member', role: 'member', password: typed.value },
    });
    expect(created.statusCode).toBe(201);
    const miaId = created.json().user.id as string;
    const miaSignIn = await request(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: ua,
      payload: { email: 'mia@example.test', password: typed.value },
    });
    expect(miaSignIn.statusCode).toBe(200);
    let mia = sessionCookieOf(miaSignIn);
    const miaOwn = canaryPassword('own');
    secrets.ownPassword = miaOwn.value;
    secrets.ownPasswordCore = miaOwn.core;
    const wrongCurrent = canaryPassword('wrongcurrent');
    secrets.wrongCurrent = wrongCurrent.value;
    const failedChange = await request(t, mia, {
      method: 'POST',
      url: '/api/v1/me/password',
      headers: ua,
      payload: { currentPassword: wrongCurrent.value, newPassword: miaOwn.value },
    });
    expect(failedChange.statusCode).toBe(400);
    const changed = await request(t, mia, {
      method: 'POST',
      url: '/api/v1/me/password',
      headers: ua,
      payload: { currentPassword: typed.value, newPassword: miaOwn.value },
    });
    expect(changed.statusCode).toBe(204);
    mia = sessionCookieOf(changed);
    secrets.miaSessionAfterChange = mia.split('=')[1] ?? '';

    // A user created with a generated password.
    const generatedUser = await request(t, admin, {
      method: 'POST',
      url: '/api/v1/users',
      headers: ua,
      payload: { email: 'gus@example.test', name: 'Gus Generated', role: 'viewer', generatePassword: true },
    });
    expect(generatedUser.statusCode).toBe(201);
    secrets.generatedOnCreate = generatedUser.json().generatedPassword as string;

    // Admin reset with a generated password; the user signs in with it and sets a new one.
    const reset = await request(t, admin, {
      method: 'POST',
      url: `/api/v1/users/${miaId}/password`,
      headers: ua,
      payload: { generate: true },
    });
    expect(reset.statusCode).toBe(200);
    const generated = reset.json().generatedPassword as string;
    secrets.generatedOnReset = generated;
    const miaTemp = await request(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: ua,
      payload: { email: 'mia@example.test', password: generated },
    });
    expect(miaTemp.statusCode).toBe(200);
    const afterReset = canaryPassword('afterreset');
    secrets.afterReset = afterReset.value;
    secrets.afterResetCore = afterReset.core;
    const changedAgain = await request(t, sessionCookieOf(miaTemp), {
      method: 'POST',
      url: '/api/v1/me/password',
      headers: ua,
      payload: { currentPassword: generated, newPassword: afterReset.value },
    });
    expect(changedAgain.statusCode).toBe(204);

    // Admin reset with a typed password.
    const typedReset = canaryPassword('typedreset');
    secrets.typedReset = typedReset.value;
    secrets.typedResetCore = typedReset.core;
    const reset2 = await request(t, admin, {
      method: 'POST',
      url: `/api/v1/users/${miaId}/password`,
      headers: ua,
      payload: { password: typedReset.value },
    });
    expect(reset2.statusCode).toBe(200);

    // Failed sign-ins: wrong password for a known and for an unknown account.
    const wrong = canaryPassword('wrong');
    secrets.wrongPassword = wrong.value;
    secrets.wrongPasswordCore = wrong.core;
    for (const email of ['mia@example.test', 'nobody@example.test']) {
      const res = await request(t, null, {
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: ua,
        payload: { email, password: wrong.value },
      });
      expect(res.statusCode).toBe(401);
    }
    // A password rejected by the policy (too long) and a malformed body carrying a secret.
    const rejected = `${canaryPassword('toolong').value}${'x'.repeat(300)}`;
    secrets.rejectedByPolicy = rejected;
    const tooLong = await request(t, admin, {
      method: 'POST',
      url: `/api/v1/users/${miaId}/password`,
      headers: ua,
      payload: { password: rejected },
    });
    expect(tooLong.statusCode).toBe(400);
    const malformedSecret = canaryPassword('malformed');
    secrets.malformedBody = malformedSecret.core;
    const malformed = await request(t, null, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { ...ua, 'content-type': 'application/json' },
      payload: `{"email":"mia@example.test","password":"${malformedSecret.value}"`,
    });
    expect(malformed.statusCode).toBe(400);

    // Session ids: the admin's, a signed-out one, and one sent with a bearer header.
    secrets.adminSession = admin.split('=')[1] ?? '';
    secrets.miaFirstSession = sessionCookieOf(miaSignIn).split('=')[1] ?? '';
    secrets.miaTempSession = sessionCookieOf(miaTemp).split('=')[1] ?? '';
    expect(
      (await request(t, admin, { method: 'GET', url: '/api/v1/users?q=mia', headers: ua })).statusCode,
    ).toBe(200);
    const bearer = randomBytes(32).toString('base64url');
    secrets.bearer = bearer;
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { ...ua, authorization: `Bearer ${bearer}` },
    });
    expect(
      (await request(t, admin, { method: 'POST', url: '/api/v1/auth/sign-out', headers: ua })).statusCode,
    ).toBe(204);

    // Secrets in query strings are redacted before logging, whatever the route.
    const queryToken = randomBytes(32).toString('base64url');
    const queryPassword = randomBytes(16).toString('base64url');
    const queryCode = randomBytes(16).toString('base64url');
    secrets.queryToken = queryToken;
    secrets.queryPassword = queryPassword;
    secrets.queryCode = queryCode;
    await t.app.inject({ method: 'GET', url: `/api/v1/me?token=${queryToken}`, headers: ua });
    await t.app.inject({
      method: 'GET',
      url: `/reset-password?email=mia%40example.test&TOKEN=${queryToken}&password=${queryPassword}&code=${queryCode}`,
      headers: ua,
    });

    const logs = t.logs.join('');
    const { tables, text: stored } = await dumpDatabase(t);
    expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'audit_events', 'setup_tokens']));
    // The dump is real: it holds what we expect to find there.
    expect(stored).toContain('mia@example.test');
    expect(stored).toContain('$argon2id$');
    expect(stored).toContain('user.password_reset_by_admin');
    expect(logs).toContain('incoming request');

    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      expect(logs.includes(secret), `${name} in the logs`).toBe(false);
      expect(stored.includes(secret), `${name} in the database`).toBe(false);
    }

    // The query-string secrets are replaced, but the requests are still logged.
    const tokenLine = t.logs.find((l) => l.includes('/api/v1/me?token='));
    expect(tokenLine).toContain('token=[redacted]');
    const resetLine = t.logs.find((l) => l.includes('/reset-password?'));
    expect(resetLine).toContain('TOKEN=[redacted]');
    expect(resetLine).toContain('password=[redacted]');
    expect(resetLine).toContain('code=[redacted]');
  });
});
