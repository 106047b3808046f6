import { describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, sessionCookieOf, signIn } from '../harness.js';

interface AuditItem {
  action: string;
  outcome: string;
  actor: { id: string | null };
  target: { id: string | null };
}

/**
 * The acceptance story of issue 2, end to end through the HTTP API: an admin finds a user, resets
 * their password with a generated one, and the user must choose their own before doing anything else.
 */
describe('issue 2 story: admin reset with a generated temporary password', () => {
  it('walks from the admin reset to the user’s own password, with the audit trail', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { email: 'root.admin@example.test', name: 'Rhea Admin', role: 'admin' });
    const user = await seedUser(t, { email: 'ada@example.test', name: 'Ada Lovelace', role: 'member' });

    // The user had signed in before the reset.
    const oldUserCookie = await signIn(t, user.email, user.password);
    expect((await request(t, oldUserCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);

    // The admin signs in and finds the user by part of the name.
    const adminCookie = await signIn(t, admin.email, admin.password);
    const found = await request(t, adminCookie, { method: 'GET', url: '/api/v1/users?q=LOVEL' });
    expect(found.statusCode).toBe(200);
    const page = found.json<{ items: Array<{ id: string; email: string }>; total: number }>();
    expect(page.total).toBe(1);
    expect(page.items.map((u) => u.id)).toEqual([user.id]);

    // Reset password → generate.
    const reset = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { generate: true },
    });
    expect(reset.statusCode).toBe(200);
    const generated = reset.json<{ generatedPassword?: string }>().generatedPassword;
    expect(typeof generated).toBe('string');
    const temporaryPassword = generated as string;

    // The user's old session is over.
    const oldSession = await request(t, oldUserCookie, { method: 'GET', url: '/api/v1/me' });
    expect(oldSession.statusCode).toBe(401);
    expect(oldSession.json().error.code).toBe('unauthenticated');
    // The old password no longer works either.
    const oldPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: user.password },
    });
    expect(oldPassword.statusCode).toBe(401);

    // The user signs in with the generated password: a restricted session.
    const tempSignIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: temporaryPassword },
    });
    expect(tempSignIn.statusCode).toBe(200);
    expect(tempSignIn.json().passwordChangeRequired).toBe(true);
    const tempCookie = sessionCookieOf(tempSignIn);

    const me = await request(t, tempCookie, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().passwordChangeRequired).toBe(true);
    for (const url of ['/api/v1/users', '/api/v1/me/sessions', '/api/v1/audit-events']) {
      const blocked = await request(t, tempCookie, { method: 'GET', url });
      expect(blocked.statusCode, url).toBe(403);
      expect(blocked.json().error.code, url).toBe('password_change_required');
    }

    // The user chooses their own password; the session is rotated.
    const newPassword = 'violet harbour lanterns drift slowly';
    const changed = await request(t, tempCookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: temporaryPassword, newPassword },
    });
    expect(changed.statusCode).toBe(204);
    const fullCookie = sessionCookieOf(changed);
    expect(fullCookie).not.toBe(tempCookie);
    expect((await request(t, tempCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);

    // Full access follows.
    const meAfter = await request(t, fullCookie, { method: 'GET', url: '/api/v1/me' });
    expect(meAfter.statusCode).toBe(200);
    expect(meAfter.json().passwordChangeRequired).toBe(false);
    expect(meAfter.json().user.passwordChangeRequired).toBe(false);
    const sessions = await request(t, fullCookie, { method: 'GET', url: '/api/v1/me/sessions' });
    expect(sessions.statusCode).toBe(200);
    expect(sessions.json().items).toHaveLength(1);
    // A member still is no admin.
    expect((await request(t, fullCookie, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);

    // The temporary password no longer signs in; the new one does, without restriction.
    const tempAgain = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: temporaryPassword },
    });
    expect(tempAgain.statusCode).toBe(401);
    expect(tempAgain.json().error.code).toBe('invalid_credentials');
    const ownSignIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: newPassword },
    });
    expect(ownSignIn.statusCode).toBe(200);
    expect(ownSignIn.json().passwordChangeRequired).toBe(false);

    // The audit log names who did what to whom.
    const audit = await request(t, adminCookie, {
      method: 'GET',
      url: `/api/v1/audit-events?target=${user.id}&limit=200`,
    });
    expect(audit.statusCode).toBe(200);
    const items = audit.json<{ items: AuditItem[] }>().items;
    const resets = items.filter((e) => e.action === 'user.password_reset_by_admin');
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({ outcome: 'success', actor: { id: admin.id }, target: { id: user.id } });
    const changes = items.filter((e) => e.action === 'user.password_changed');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ outcome: 'success', actor: { id: user.id }, target: { id: user.id } });
    // Newest first: the change came after the reset.
    expect(items.indexOf(changes[0] as AuditItem)).toBeLessThan(items.indexOf(resets[0] as AuditItem));
  });
});
