import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/index.js';
import {
  buildTestApp,
  request,
  seedUser,
  signIn,
  signedIn,
  STRONG_PASSWORD,
  type TestApp,
} from '../harness.js';

/**
 * Issue 14, item 2 (the API under the console's user page) and item 5: DELETE /api/v1/users/{id}
 * (tombstone, personal data erased, audit kept, last admin refused), the email change (admin: at once,
 * unverified until the mailed link is used; self: only when the link to the new address is used, with
 * a notice to the old one), a user's sessions one by one, and the `status=locked` filter.
 */

const code = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;

async function mailsTo(t: TestApp, to: string, template?: string) {
  let q = t.db.db.selectFrom('mailOutbox').selectAll().where('toAddress', '=', to);
  if (template) q = q.where('template', '=', template);
  return q.orderBy('createdAt').execute();
}

/** The token of the newest confirm-email link mailed to an address. */
async function emailLinkTo(t: TestApp, to: string): Promise<string> {
  const mails = await mailsTo(t, to);
  const text = mails.map((m) => m.textBody ?? '').join('\n');
  const tokens = [...text.matchAll(/\/confirm-email\?token=([A-Za-z0-9_-]+)/g)].map((m) => m[1]);
  const last = tokens.at(-1);
  if (!last) throw new Error(`no confirm-email link mailed to ${to}`);
  return last;
}

async function auditOf(t: TestApp, action: string) {
  return t.db.db.selectFrom('auditEvents').selectAll().where('action', '=', action).execute();
}

function confirm(t: TestApp, token: string) {
  return request(t, null, { method: 'POST', url: '/api/v1/email-confirmations', payload: { token } });
}

describe('DELETE /api/v1/users/{id}', () => {
  it('erases the user and their personal data, keeps the audit events pointing at a tombstone', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const gone = await seedUser(t, { email: 'leaving@example.test', name: 'Lee Ving' });
    const cookie = await signIn(t, gone.email, gone.password);
    // Something personal in other tables: a token, a pending email change, an invitation they sent.
    const token = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'laptop' },
    });
    expect(token.statusCode).toBe(201);
    expect(
      (
        await request(t, cookie, {
          method: 'POST',
          url: '/api/v1/me/email',
          payload: { email: 'elsewhere@example.test' },
        })
      ).statusCode,
    ).toBe(202);

    const res = await request(t, admin.cookie, { method: 'DELETE', url: `/api/v1/users/${gone.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: gone.id });

    // Gone from the API, from sign-in, and the old session is dead.
    expect(
      (await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${gone.id}` })).statusCode,
    ).toBe(404);
    expect((await request(t, cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const signInAgain = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: gone.email, password: gone.password },
    });
    expect(signInAgain.statusCode).toBe(401);

    // No row anywhere still holds the address or the name, except the append-only audit log.
    const db = t.db.db;
    expect(await db.selectFrom('users').selectAll().where('id', '=', gone.id).execute()).toEqual([]);
    expect(await db.selectFrom('apiTokens').selectAll().where('userId', '=', gone.id).execute()).toEqual([]);
    expect(await db.selectFrom('sessions').selectAll().where('userId', '=', gone.id).execute()).toEqual([]);
    expect(await db.selectFrom('emailChangeTokens').selectAll().execute()).toEqual([]);
    expect(await mailsTo(t, gone.email)).toEqual([]);
    expect(await mailsTo(t, 'elsewhere@example.test')).toEqual([]);

    // The tombstone: the id, when and by whom; nothing personal.
    const tombstone = await db.selectFrom('userTombstones').selectAll().where('id', '=', gone.id).execute();
    expect(tombstone).toEqual([{ id: gone.id, deletedAt: expect.any(Number), deletedBy: admin.id }]);
    const [deleted] = await auditOf(t, 'user.deleted');
    expect(deleted).toMatchObject({
      actorId: admin.id,
      targetId: gone.id,
      targetLabel: `deleted-user:${gone.id}`,
    });
    expect(JSON.stringify(deleted)).not.toContain('leaving@');
    expect(JSON.stringify(deleted)).not.toContain('Lee Ving');
    // The earlier events about them are still there, and the chain still verifies.
    expect((await auditOf(t, 'user.created')).some((e) => e.targetId === gone.id)).toBe(true);
    expect(await verifyAuditChain({ db })).toMatchObject({ ok: true });
  });

  it('removes the invitations to the address; the ones the user sent keep working under the organization’s name', async () => {
    const t = await buildTestApp({ env: { ORGANIZATION_NAME: 'Acme' } });
    const admin = await signedIn(t, 'admin');
    const inviter = await signedIn(t, 'admin');
    const sent = await request(t, inviter.cookie, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: 'newcomer@example.test', role: 'member' },
    });
    expect(sent.statusCode).toBe(201);
    expect(
      (await request(t, admin.cookie, { method: 'DELETE', url: `/api/v1/users/${inviter.id}` })).statusCode,
    ).toBe(200);
    const rows = await t.db.db.selectFrom('invitations').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'newcomer@example.test', inviterId: null, inviterName: 'Acme' });
  });

  it('SEC-AZ-04: the last active admin cannot be deleted (409 last_admin), nor can an admin delete themselves', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const self = await request(t, admin.cookie, { method: 'DELETE', url: `/api/v1/users/${admin.id}` });
    expect(self.statusCode).toBe(400);
    expect(code(self)).toBe('cannot_delete_self');

    // Through the service, as the CLI calls it: the only active admin stays.
    const { deleteUser } = await import('../../src/modules/users/index.js');
    const { cliContext } = await import('../../src/shared/context.js');
    await expect(deleteUser(t.deps, cliContext(), admin.id)).rejects.toMatchObject({ code: 'last_admin' });
    expect((await request(t, admin.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);

    // With a second admin, one admin may delete the other.
    const other = await seedUser(t, { role: 'admin' });
    expect(
      (await request(t, admin.cookie, { method: 'DELETE', url: `/api/v1/users/${other.id}` })).statusCode,
    ).toBe(200);
    const missing = await request(t, admin.cookie, { method: 'DELETE', url: `/api/v1/users/${other.id}` });
    expect(missing.statusCode).toBe(404);
    expect(code(missing)).toBe('user_not_found');
  });

  it('SEC-AZ-01: only admins delete users', async () => {
    const t = await buildTestApp();
    const member = await signedIn(t, 'member');
    const target = await seedUser(t);
    const res = await request(t, member.cookie, { method: 'DELETE', url: `/api/v1/users/${target.id}` });
    expect(res.statusCode).toBe(403);
    expect(await t.db.db.selectFrom('users').select('id').where('id', '=', target.id).execute()).toHaveLength(
      1,
    );
  });
});

describe('changing a user’s email', () => {
  it('by an admin: changes at once, unverified until the link mailed to the new address is used; the old address is told', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const user = await seedUser(t, { email: 'old@example.test', name: 'Olga Dorn' });

    const res = await request(t, admin.cookie, {
      method: 'PUT',
      url: `/api/v1/users/${user.id}/email`,
      payload: { email: ' New@Example.test ' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ email: 'new@example.test', emailVerified: false });
    // They sign in with the new address (and not the old one) at once.
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: 'new@example.test', password: user.password },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: 'old@example.test', password: user.password },
        })
      ).statusCode,
    ).toBe(401);

    const [notice] = await mailsTo(t, 'old@example.test', 'email_changed');
    expect(notice?.textBody).toContain('new@example.test');
    expect(notice?.textBody).not.toContain('token=');
    const token = await emailLinkTo(t, 'new@example.test');
    const confirmed = await confirm(t, token);
    expect(confirmed.statusCode).toBe(200);
    const after = await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${user.id}` });
    expect(after.json()).toMatchObject({ email: 'new@example.test', emailVerified: true });
    expect(await auditOf(t, 'user.email_changed')).toHaveLength(1);
    expect(await auditOf(t, 'user.email_verified')).toHaveLength(1);
  });

  it('refuses a taken address (409 email_taken) and the same address (400 email_unchanged); nothing changes', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const a = await seedUser(t, { email: 'a@example.test' });
    await seedUser(t, { email: 'b@example.test' });
    const taken = await request(t, admin.cookie, {
      method: 'PUT',
      url: `/api/v1/users/${a.id}/email`,
      payload: { email: 'B@example.test' },
    });
    expect(taken.statusCode).toBe(409);
    expect(code(taken)).toBe('email_taken');
    const same = await request(t, admin.cookie, {
      method: 'PUT',
      url: `/api/v1/users/${a.id}/email`,
      payload: { email: 'a@example.test' },
    });
    expect(same.statusCode).toBe(400);
    expect(code(same)).toBe('email_unchanged');
    const bad = await request(t, admin.cookie, {
      method: 'PUT',
      url: `/api/v1/users/${a.id}/email`,
      payload: { email: 'not an address' },
    });
    expect(bad.statusCode).toBe(400);
    expect(await mailsTo(t, 'a@example.test', 'email_changed')).toEqual([]);
  });

  it('by the user: nothing changes until the link mailed to the new address is used; single use', async () => {
    const t = await buildTestApp();
    const me = await signedIn(t, 'member');
    const res = await request(t, me.cookie, {
      method: 'POST',
      url: '/api/v1/me/email',
      payload: { email: 'mine@example.test' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ pendingEmail: 'mine@example.test' });
    const pending = await request(t, me.cookie, { method: 'GET', url: '/api/v1/me/email' });
    expect(pending.json()).toMatchObject({ pending: { pendingEmail: 'mine@example.test' } });
    // Still the old address, which is told about the request.
    expect((await request(t, me.cookie, { method: 'GET', url: '/api/v1/me' })).json()).toMatchObject({
      user: { email: me.email },
    });
    expect(await mailsTo(t, me.email, 'email_changed')).toHaveLength(1);

    const token = await emailLinkTo(t, 'mine@example.test');
    const used = await confirm(t, token);
    expect(used.statusCode).toBe(200);
    expect(used.json()).toEqual({ email: 'mine@example.test' });
    expect((await request(t, me.cookie, { method: 'GET', url: '/api/v1/me' })).json()).toMatchObject({
      user: { email: 'mine@example.test', emailVerified: true },
    });
    const again = await confirm(t, token);
    expect(again.statusCode).toBe(400);
    expect(code(again)).toBe('invalid_email_link');
  });

  it('SEC-TOK-01: an API token cannot change its owner’s email (403 session_required)', async () => {
    const t = await buildTestApp();
    const me = await signedIn(t, 'member');
    const made = await request(t, me.cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'ci' },
    });
    const secret = (made.json() as { token: string }).token;
    const res = await request(t, null, {
      method: 'POST',
      url: '/api/v1/me/email',
      headers: { authorization: `Bearer ${secret}` },
      payload: { email: 'thief@example.test' },
    });
    expect(res.statusCode).toBe(403);
    expect(code(res)).toBe('session_required');
    expect(await t.db.db.selectFrom('emailChangeTokens').selectAll().execute()).toEqual([]);
  });

  it('SEC-RST-04: ten parallel uses of one email link: exactly one succeeds', async () => {
    const t = await buildTestApp();
    const me = await signedIn(t, 'member');
    await request(t, me.cookie, {
      method: 'POST',
      url: '/api/v1/me/email',
      payload: { email: 'race@example.test' },
    });
    const token = await emailLinkTo(t, 'race@example.test');
    const results = await Promise.all(Array.from({ length: 10 }, () => confirm(t, token)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 400)).toHaveLength(9);
  });

  it('SEC-RST-03: an email link expires after 24 hours', async () => {
    const t = await buildTestApp();
    const me = await signedIn(t, 'member');
    await request(t, me.cookie, {
      method: 'POST',
      url: '/api/v1/me/email',
      payload: { email: 'late@example.test' },
    });
    const token = await emailLinkTo(t, 'late@example.test');
    t.clock.advance(24 * 3_600_000 + 1000);
    const res = await confirm(t, token);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('invalid_email_link');
    expect(
      await t.db.db.selectFrom('users').select('email').where('id', '=', me.id).executeTakeFirst(),
    ).toEqual({
      email: me.email,
    });
  });

  it('SEC-RST-02: the email link is stored only as its SHA-256', async () => {
    const t = await buildTestApp();
    const me = await signedIn(t, 'member');
    await request(t, me.cookie, {
      method: 'POST',
      url: '/api/v1/me/email',
      payload: { email: 'hash@example.test' },
    });
    const token = await emailLinkTo(t, 'hash@example.test');
    const rows = await t.db.db.selectFrom('emailChangeTokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe('a user’s sessions, one by one (the user page)', () => {
  it('SEC-SES-07: an admin lists a user’s sessions and ends one; the others stay', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const user = await seedUser(t);
    const first = await signIn(t, user.email, user.password);
    const second = await signIn(t, user.email, user.password);
    const list = await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${user.id}/sessions` });
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: Array<{ id: string; current: boolean }> }).items;
    expect(items).toHaveLength(2);
    expect(items.every((s) => !s.current)).toBe(true);

    // End the session of the first cookie: find it as the one that stops working.
    const ended = await request(t, admin.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${user.id}/sessions/${items[0]?.id}`,
    });
    expect(ended.statusCode).toBe(204);
    const alive = await Promise.all(
      [first, second].map(
        async (c) => (await request(t, c, { method: 'GET', url: '/api/v1/me' })).statusCode,
      ),
    );
    expect(alive.sort()).toEqual([200, 401]);
    expect(await auditOf(t, 'user.session_revoked')).toHaveLength(1);

    const unknown = await request(t, admin.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${user.id}/sessions/${items[0]?.id}`,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('SEC-AZ-02: a session id of another user cannot be ended through this user', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const a = await seedUser(t);
    const b = await seedUser(t);
    const bCookie = await signIn(t, b.email, b.password);
    const bSessions = await request(t, admin.cookie, {
      method: 'GET',
      url: `/api/v1/users/${b.id}/sessions`,
    });
    const bSession = (bSessions.json() as { items: Array<{ id: string }> }).items[0]?.id;
    const res = await request(t, admin.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${a.id}/sessions/${bSession}`,
    });
    expect(res.statusCode).toBe(404);
    expect((await request(t, bCookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });
});

describe('status=locked (item 5)', () => {
  it('lists only users whose sign-in is locked now, with lockedUntil; Unlock takes them off', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const locked = await seedUser(t, { name: 'Lockie Locked' });
    await seedUser(t, { name: 'Free Person' });
    for (let i = 0; i < 10; i += 1) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: locked.email, password: `${STRONG_PASSWORD} wrong` },
      });
    }
    const list = async (q = '') =>
      (await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users?status=locked${q}` })).json() as {
        items: Array<{ id: string; lockedUntil: string | null }>;
        total: number;
      };
    const page = await list();
    expect(page.total).toBe(1);
    expect(page.items.map((u) => u.id)).toEqual([locked.id]);
    expect(page.items[0]?.lockedUntil).not.toBeNull();
    // Search and role combine with it.
    expect((await list('&q=lockie')).total).toBe(1);
    expect((await list('&q=free')).total).toBe(0);
    expect((await list('&role=admin')).total).toBe(0);

    expect(
      (await request(t, admin.cookie, { method: 'POST', url: `/api/v1/users/${locked.id}/unlock` }))
        .statusCode,
    ).toBe(200);
    expect((await list()).total).toBe(0);
  });

  it('a lockout that ran out is no longer listed', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const user = await seedUser(t);
    for (let i = 0; i < 10; i += 1) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: user.email, password: `${STRONG_PASSWORD} wrong` },
      });
    }
    const total = async () =>
      (
        (await request(t, admin.cookie, { method: 'GET', url: '/api/v1/users?status=locked' })).json() as {
          total: number;
        }
      ).total;
    expect(await total()).toBe(1);
    t.clock.advance(16 * 60_000); // past the 1-minute lockout, within the admin's 30-minute idle limit
    expect(await total()).toBe(0);
  });
});
