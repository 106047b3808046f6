import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { GENERATED_PASSWORD_BITS, generatePassword } from '../../src/modules/passwords/index.js';
import { buildTestApp, request, seedUser, sessionCookieOf, signIn, type TestApp } from '../harness.js';

const HOUR = 3_600_000;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function trySignIn(t: TestApp, email: string, password: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
}

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

async function withAdmin(options: Parameters<typeof buildTestApp>[0] = {}) {
  const t = await buildTestApp(options);
  const admin = await seedUser(t, { email: 'tmp.admin@example.test', name: 'Rhea Admin', role: 'admin' });
  const adminCookie = await signIn(t, admin.email, admin.password);
  return { t, admin, adminCookie };
}

function resetPassword(t: TestApp, adminCookie: string, id: string, payload: object) {
  return request(t, adminCookie, { method: 'POST', url: `/api/v1/users/${id}/password`, payload });
}

async function storedUser(t: TestApp, id: string) {
  return t.db.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('admin-set temporary passwords', () => {
  it('SEC-TMP-01: every admin-set password is temporary: create typed, create generated, reset typed, reset generated', async () => {
    const { t, adminCookie } = await withAdmin();
    const typed = 'violet harbour lanterns drift';

    const created = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'typed@example.test', name: 'Tia Typed', role: 'member', password: typed },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().generatedPassword).toBeUndefined();
    expect(created.json().user.passwordChangeRequired).toBe(true);

    const generated = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'gen@example.test', name: 'Gus Generated', role: 'viewer', generatePassword: true },
    });
    expect(generated.statusCode, generated.body).toBe(201);
    const generatedPassword = generated.json().generatedPassword as string;
    expect(generatedPassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){5}$/);

    for (const [email, password] of [
      ['typed@example.test', typed],
      ['gen@example.test', generatedPassword],
    ] as const) {
      const res = await trySignIn(t, email, password);
      expect(res.statusCode, email).toBe(200);
      expect(res.json().passwordChangeRequired, email).toBe(true);
    }

    const own = await seedUser(t, { email: 'own@example.test', name: 'Ola Own' });
    const resetTyped = await resetPassword(t, adminCookie, own.id, {
      password: 'amber quietly meadow lanterns',
    });
    expect(resetTyped.statusCode, resetTyped.body).toBe(200);
    expect(resetTyped.json()).toEqual({});
    const afterTyped = await trySignIn(t, own.email, 'amber quietly meadow lanterns');
    expect(afterTyped.json().passwordChangeRequired).toBe(true);

    const resetGenerated = await resetPassword(t, adminCookie, own.id, { generate: true });
    expect(resetGenerated.statusCode).toBe(200);
    const afterGenerated = await trySignIn(t, own.email, resetGenerated.json().generatedPassword as string);
    expect(afterGenerated.statusCode).toBe(200);
    expect(afterGenerated.json().passwordChangeRequired).toBe(true);
    // The previous temporary password is gone.
    expect((await trySignIn(t, own.email, 'amber quietly meadow lanterns')).statusCode).toBe(401);
  });

  it('SEC-TMP-01: an admin-set password must pass the policy; a refused one changes nothing', async () => {
    const { t, adminCookie } = await withAdmin();
    const tooShort = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'short@example.test', name: 'Sho Rt', role: 'member', password: 'zq7vbn3kx' },
    });
    expectError(tooShort, 400, 'password_too_short');
    expect(
      (await request(t, adminCookie, { method: 'GET', url: '/api/v1/users?q=short' })).json().total,
    ).toBe(0);

    const user = await seedUser(t, { email: 'keep@example.test', name: 'Kip Keeper' });
    const session = await signIn(t, user.email, user.password);
    const before = await storedUser(t, user.id);
    expectError(
      await resetPassword(t, adminCookie, user.id, { password: 'zq7vbn3kx' }),
      400,
      'password_too_short',
    );
    expect(await storedUser(t, user.id)).toEqual(before);
    expect((await request(t, session, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    const again = await trySignIn(t, user.email, user.password);
    expect(again.statusCode).toBe(200);
    expect(again.json().passwordChangeRequired).toBe(false);
  });

  it('SEC-TMP-01: a temporary-password session reaches only GET /me, POST /me/password and sign-out', async () => {
    const { t, adminCookie } = await withAdmin();
    // An admin with a temporary password: any 403 below comes from the temporary password, not the role.
    const created = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'tempadmin@example.test', name: 'Ty Admin', role: 'admin', generatePassword: true },
    });
    const password = created.json().generatedPassword as string;
    const tempCookie = await signIn(t, 'tempadmin@example.test', password);

    const allowed = t.app.routeTable
      .filter((r) => r.allowTemporaryPassword)
      .map((r) => `${r.method} ${r.url}`);
    expect(allowed.sort()).toEqual([
      'GET /api/v1/me',
      'POST /api/v1/auth/sign-out',
      'POST /api/v1/me/password',
    ]);

    const restricted = t.app.routeTable.filter((r) => r.access !== 'public' && !r.allowTemporaryPassword);
    expect(restricted.length).toBeGreaterThan(5);
    for (const route of restricted) {
      const url = route.url.replace(/:[A-Za-z]+/g, 'some-id');
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      const res = await request(t, tempCookie, {
        method: route.method as 'GET',
        url,
        ...(hasBody ? { payload: {} } : {}),
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(res.json().error.code, `${route.method} ${route.url}`).toBe('password_change_required');
    }

    const me = await request(t, tempCookie, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().passwordChangeRequired).toBe(true);
    const signOut = await request(t, tempCookie, { method: 'POST', url: '/api/v1/auth/sign-out' });
    expect(signOut.statusCode).toBe(204);
    expect((await request(t, tempCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('SEC-TMP-02: the new password must differ from the temporary one; afterwards the temporary one → 401', async () => {
    const { t, adminCookie } = await withAdmin();
    const user = await seedUser(t, { email: 'reuse@example.test', name: 'Rey Use' });
    const reset = await resetPassword(t, adminCookie, user.id, { generate: true });
    const temporary = reset.json().generatedPassword as string;
    const cookie = await signIn(t, user.email, temporary);

    const reused = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: temporary, newPassword: temporary },
    });
    expectError(reused, 400, 'password_reused');
    // Still restricted, still the same temporary password.
    expect(
      (await request(t, cookie, { method: 'GET', url: '/api/v1/me' })).json().passwordChangeRequired,
    ).toBe(true);
    expect((await trySignIn(t, user.email, temporary)).statusCode).toBe(200);

    const newPassword = 'violet harbour lanterns drift';
    const changed = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: temporary, newPassword },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const fresh = sessionCookieOf(changed);
    expect(
      (await request(t, fresh, { method: 'GET', url: '/api/v1/me' })).json().passwordChangeRequired,
    ).toBe(false);

    expectError(await trySignIn(t, user.email, temporary), 401, 'invalid_credentials');
    expect((await trySignIn(t, user.email, newPassword)).statusCode).toBe(200);
  });

  it('SEC-TMP-03: a temporary password expires after 72 h with the generic 401', async () => {
    const { t, adminCookie } = await withAdmin();
    const user = await seedUser(t, { email: 'expire@example.test', name: 'Exa Pire' });
    const temporary = 'amber quietly meadow lanterns';
    expect((await resetPassword(t, adminCookie, user.id, { password: temporary })).statusCode).toBe(200);

    t.clock.advance(71 * HOUR);
    const stillValid = await trySignIn(t, user.email, temporary);
    expect(stillValid.statusCode).toBe(200);
    expect(stillValid.json().passwordChangeRequired).toBe(true);

    t.clock.advance(HOUR + 60_000); // 72 h + 1 min after the reset
    const expired = await trySignIn(t, user.email, temporary);
    const wrong = await trySignIn(t, user.email, 'not the password at all here');
    expect(expired.statusCode).toBe(401);
    expect(expired.body).toBe(wrong.body);
    expect(expired.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    expect(expired.headers['set-cookie']).toBeUndefined();
  });

  it('SEC-TMP-03: the restricted session ends when the temporary password expires, however active it is', async () => {
    const { t, adminCookie } = await withAdmin();
    const user = await seedUser(t, { email: 'outlive@example.test', name: 'Otto Live' });
    const temporary = 'amber quietly meadow lanterns';
    expect((await resetPassword(t, adminCookie, user.id, { password: temporary })).statusCode).toBe(200);

    // Signed in an hour before the password expires, and kept busy: idle and absolute limits never hit.
    t.clock.advance(71 * HOUR);
    const cookie = await signIn(t, user.email, temporary);
    const colleague = await seedUser(t, { email: 'colleague@example.test', name: 'Col League' });
    const colleagueCookie = await signIn(t, colleague.email, colleague.password);
    for (let minute = 0; minute < 55; minute += 5) {
      t.clock.advance(5 * 60_000);
      for (const c of [cookie, colleagueCookie])
        expect((await request(t, c, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    }
    t.clock.advance(5 * 60_000 + 1); // 72 h + 1 ms after the reset
    expectError(await request(t, cookie, { method: 'GET', url: '/api/v1/me' }), 401, 'unauthenticated');
    // It cannot be used to set a new password either, and it is gone from the database for good.
    const change = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: temporary, newPassword: 'violet harbour lanterns drift' },
    });
    expectError(change, 401, 'unauthenticated');
    const left = await t.db.db.selectFrom('sessions').select('id').where('userId', '=', user.id).execute();
    expect(left).toEqual([]);
    // A session with an ordinary password at the same moment is untouched.
    expect((await request(t, colleagueCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });

  it('SEC-TMP-04: an admin reset ends every session of the user, notifies without the password, and is audited', async () => {
    const { t, admin, adminCookie } = await withAdmin();
    const user = await seedUser(t, { email: 'everywhere@example.test', name: 'Eve Rywhere' });
    const laptop = await signIn(t, user.email, user.password);
    const phone = await signIn(t, user.email, user.password);
    for (const c of [laptop, phone])
      expect((await request(t, c, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);

    const typed = 'amber quietly meadow lanterns';
    expect((await resetPassword(t, adminCookie, user.id, { password: typed })).statusCode).toBe(200);
    for (const c of [laptop, phone])
      expectError(await request(t, c, { method: 'GET', url: '/api/v1/me' }), 401, 'unauthenticated');
    const remaining = await t.db.db
      .selectFrom('sessions')
      .select('id')
      .where('userId', '=', user.id)
      .execute();
    expect(remaining).toHaveLength(0);
    // The admin's own session is untouched.
    expect((await request(t, adminCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);

    const generatedReset = await resetPassword(t, adminCookie, user.id, { generate: true });
    const generated = generatedReset.json().generatedPassword as string;

    // The notices are the mail queued in the resets' transactions (the one mail door).
    const resets = await t.db.db
      .selectFrom('mailOutbox')
      .selectAll()
      .where('template', '=', 'admin_password_reset')
      .execute();
    expect(resets).toHaveLength(2);
    for (const notice of resets) {
      expect(notice.toAddress).toBe(user.email);
      expect(notice.textBody).toContain('Eve Rywhere');
      const text = JSON.stringify(notice);
      expect(text).not.toContain(typed);
      expect(text).not.toContain(generated);
      expect(text).not.toContain('$argon2');
    }

    const audit = await request(t, adminCookie, {
      method: 'GET',
      url: `/api/v1/audit-events?action=user.password_reset_by_admin&target=${user.id}`,
    });
    const items = audit.json<{ items: Array<Record<string, unknown>> }>().items;
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({
      outcome: 'success',
      actor: { id: admin.id, label: admin.email },
      target: { id: user.id, label: user.email },
      details: { generated: false, sessionsEnded: 2 },
    });
    expect(items[0]).toMatchObject({
      actor: { id: admin.id },
      target: { id: user.id },
      details: { generated: true },
    });
    expect(JSON.stringify(items)).not.toContain(typed);
    expect(JSON.stringify(items)).not.toContain(generated);
  });

  it('SEC-TMP-05: generated passwords: 6 groups of 5 from 31 unambiguous symbols, ≥ 128 bits, all distinct', () => {
    expect(ALPHABET).toHaveLength(31);
    expect(GENERATED_PASSWORD_BITS).toBeGreaterThanOrEqual(128);
    expect(GENERATED_PASSWORD_BITS).toBeCloseTo(30 * Math.log2(31), 6);

    const shape = new RegExp(`^[${ALPHABET}]{5}(-[${ALPHABET}]{5}){5}$`);
    const seen = new Set<string>();
    const symbols = new Set<string>();
    const malformed: string[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const p = generatePassword();
      if (!shape.test(p) || /[0o1li]/.test(p)) malformed.push(p);
      for (const ch of p.replaceAll('-', '')) symbols.add(ch);
      seen.add(p);
    }
    expect(malformed).toEqual([]);
    expect(seen.size).toBe(1000);
    // 30,000 symbols drawn: every one of the 31 shows up, so the alphabet really is 31 wide.
    expect(symbols.size).toBe(31);
  });

  it('SEC-TMP-05: a generated password is returned once and never logged or stored in clear', async () => {
    const { t, adminCookie } = await withAdmin();
    const created = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'once@example.test', name: 'Wan Once', role: 'member', generatePassword: true },
    });
    const id = created.json().user.id as string;
    const fromCreate = created.json().generatedPassword as string;
    const reset = await resetPassword(t, adminCookie, id, { generate: true });
    const fromReset = reset.json().generatedPassword as string;
    expect(fromReset).not.toBe(fromCreate);
    // It works, once, for signing in.
    const signedIn = await trySignIn(t, 'once@example.test', fromReset);
    expect(signedIn.statusCode).toBe(200);

    const reads = [
      await request(t, adminCookie, { method: 'GET', url: `/api/v1/users/${id}` }),
      await request(t, adminCookie, { method: 'GET', url: '/api/v1/users?q=once' }),
      await request(t, adminCookie, { method: 'GET', url: '/api/v1/audit-events?limit=200' }),
      await request(t, sessionCookieOf(signedIn), { method: 'GET', url: '/api/v1/me' }),
    ];
    const stored = await storedUser(t, id);
    const auditRows = await t.db.db.selectFrom('auditEvents').selectAll().execute();
    const haystacks: Array<[string, string]> = [
      ...reads.map((r, i): [string, string] => [`read ${i}`, r.body]),
      ['logs', t.logs.join('\n')],
      ['audit_events', JSON.stringify(auditRows)],
      ['users row', JSON.stringify(stored)],
    ];
    expect(t.logs.length).toBeGreaterThan(0);
    expect(auditRows.length).toBeGreaterThan(0);
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);

    for (const secret of [fromCreate, fromReset]) {
      const groups = secret.split('-');
      const needles = [
        secret,
        // Adjacent pairs of groups, and each group that has a non-hex letter: a group of only [a-f2-9]
        // could turn up by chance inside a UUID or SHA-256, which would prove nothing.
        ...groups.slice(1).map((g, i) => `${groups[i]}-${g}`),
        ...groups.filter((g) => /[g-z]/.test(g)),
      ];
      for (const [where, text] of haystacks) {
        for (const needle of needles) expect(text.includes(needle), `${needle} in ${where}`).toBe(false);
      }
    }
  });

  it('an admin resetting their own password through the admin route → 400 use_change_password', async () => {
    const { t, admin, adminCookie } = await withAdmin();
    const before = await storedUser(t, admin.id);
    expectError(
      await resetPassword(t, adminCookie, admin.id, { generate: true }),
      400,
      'use_change_password',
    );
    expectError(
      await resetPassword(t, adminCookie, admin.id, { password: 'amber quietly meadow lanterns' }),
      400,
      'use_change_password',
    );
    expect(await storedUser(t, admin.id)).toEqual(before);
    expect((await request(t, adminCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });
});
