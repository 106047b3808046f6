import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/shared/crypto.js';
import {
  buildTestApp,
  request,
  seedUser,
  sessionCookieOf,
  signedIn,
  signIn,
  STRONG_PASSWORD,
  type TestApp,
} from '../harness.js';

/*
 * Invitations (issue 3, item 5) through the real app: create, list, resend, revoke, look up, accept,
 * bulk, and the forgot-password path for an invited address. Links are read from the mail outbox,
 * as the invited person would read them from their mail; time moves with the ManualClock.
 */

const HOUR = 3_600_000;
const LIFETIME = 72 * HOUR;

interface InvitationJson {
  id: string;
  email: string;
  role: string;
  name: string | null;
  status: string;
  inviter: { id: string | null; name: string };
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  userId: string | null;
}

const code = (res: LightMyRequestResponse) => (res.json() as { error?: { code?: string } }).error?.code;
const outcome = (res: LightMyRequestResponse) =>
  `${res.statusCode} ${res.statusCode >= 400 ? code(res) : ''}`.trim();

async function world() {
  const t = await buildTestApp();
  const admin = await seedUser(t, { email: 'olga.admin@example.test', name: 'Olga Admin', role: 'admin' });
  /** A fresh admin session: after the clock jumps hours ahead, the old one has idled out. */
  const signInAdmin = async () =>
    sessionCookieOf(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: admin.email, password: admin.password },
      }),
    );
  return { t, admin, adminCookie: await signInAdmin(), signInAdmin };
}

function invite(t: TestApp, cookie: string, body: Record<string, unknown>) {
  return request(t, cookie, { method: 'POST', url: '/api/v1/invitations', payload: body });
}

/** Every invitation mail queued for an address, oldest first. */
async function invitationMails(t: TestApp, to: string) {
  return t.db.db
    .selectFrom('mailOutbox')
    .selectAll()
    .where('template', '=', 'invitation')
    .where('toAddress', '=', to)
    .orderBy('createdAt')
    .execute();
}

/** The tokens of every invitation link mailed to an address. */
async function tokensMailedTo(t: TestApp, to: string): Promise<string[]> {
  const mails = await invitationMails(t, to);
  return mails.map((m) => {
    const match = /\/invitations\/accept\?token=([A-Za-z0-9_-]+)/.exec(m.textBody ?? '');
    if (!match?.[1]) throw new Error(`no invitation link in mail to ${to}`);
    return match[1];
  });
}

/** The token of the one mail that appeared since `before` was taken. */
async function newTokenFor(t: TestApp, to: string, before: string[] = []): Promise<string> {
  const fresh = (await tokensMailedTo(t, to)).filter((x) => !before.includes(x));
  expect(fresh).toHaveLength(1);
  return fresh[0] as string;
}

function lookup(t: TestApp, token: string) {
  return t.app.inject({
    method: 'GET',
    url: `/api/v1/invitations/lookup?token=${encodeURIComponent(token)}`,
  });
}

function accept(t: TestApp, token: string, name = 'Nina Newcomer', password = STRONG_PASSWORD) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    payload: { token, name, password },
  });
}

async function auditActions(t: TestApp, action: string) {
  return t.db.db.selectFrom('auditEvents').selectAll().where('action', '=', action).execute();
}

describe('creating an invitation', () => {
  it('SEC-RST-01/02/03/07: 201, a queued mail with a 72 h link from PUBLIC_URL, the secret stored only as SHA-256', async () => {
    const { t, admin, adminCookie } = await world();
    const res = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/invitations',
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
      payload: { email: '  Nina.New@Example.TEST ', role: 'member', name: 'Nina Newcomer' },
    });
    expect(outcome(res)).toBe('201');
    const invitation = res.json<{ invitation: InvitationJson }>().invitation;
    expect(invitation).toMatchObject({
      email: 'nina.new@example.test',
      role: 'member',
      name: 'Nina Newcomer',
      status: 'pending',
      inviter: { id: admin.id, name: 'Olga Admin' },
      acceptedAt: null,
      revokedAt: null,
      userId: null,
    });
    expect(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)).toBe(LIFETIME);
    expect(res.body).not.toMatch(/token/i);

    const mails = await invitationMails(t, 'nina.new@example.test');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.status).toBe('queued');
    expect(mails[0]?.subject).toBe('Olga Admin invited you to Gatehouse');
    expect(mails[0]?.textBody).toContain('http://localhost:8080/invitations/accept?token=');
    expect(mails[0]?.textBody).toContain('72 hours');
    expect(mails[0]?.textBody).not.toContain('evil.example');
    const token = await newTokenFor(t, 'nina.new@example.test');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url

    const rows = await t.db.db.selectFrom('invitations').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);

    const events = await auditActions(t, 'invitation.created');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: admin.id,
      targetId: invitation.id,
      targetLabel: 'nina.new@example.test',
    });
  });

  it('409: an address that is already a user → email_taken; one with a pending invitation → already_invited', async () => {
    const { t, adminCookie } = await world();
    const existing = await seedUser(t, { email: 'taken@example.test' });
    expect(outcome(await invite(t, adminCookie, { email: 'TAKEN@example.test', role: 'viewer' }))).toBe(
      '409 email_taken',
    );
    expect(outcome(await invite(t, adminCookie, { email: 'twice@example.test', role: 'viewer' }))).toBe(
      '201',
    );
    expect(outcome(await invite(t, adminCookie, { email: 'Twice@Example.test', role: 'member' }))).toBe(
      '409 already_invited',
    );
    expect(await t.db.db.selectFrom('invitations').selectAll().execute()).toHaveLength(1);
    expect(await invitationMails(t, existing.email)).toHaveLength(0);
    expect(await invitationMails(t, 'twice@example.test')).toHaveLength(1);
  });

  it('two invitations for one address at the same moment → one 201, one 409 already_invited', async () => {
    const { t, adminCookie } = await world();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => invite(t, adminCookie, { email: 'same@example.test', role: 'member' })),
    );
    expect(results.map(outcome).sort()).toEqual(['201', ...Array<string>(4).fill('409 already_invited')]);
    expect(await t.db.db.selectFrom('invitations').selectAll().execute()).toHaveLength(1);
    expect(await invitationMails(t, 'same@example.test')).toHaveLength(1);
  });

  it('SEC-IN-02/03: strict bodies: unknown fields, bad roles, control characters → 400, nothing stored', async () => {
    const { t, adminCookie } = await world();
    for (const body of [
      { email: 'x@example.test', role: 'owner' },
      { email: 'not-an-email', role: 'member' },
      { email: 'x@example.test', role: 'member', tokenHash: 'abc' },
      { email: 'x@example.test\r\nBcc: victim@example.test', role: 'member' },
      { email: 'x@example.test', role: 'member', name: 'Eve\nBcc: y@example.test' },
    ]) {
      expect(outcome(await invite(t, adminCookie, body))).toBe('400 validation_failed');
    }
    expect(await t.db.db.selectFrom('invitations').selectAll().execute()).toHaveLength(0);
    expect(await t.db.db.selectFrom('mailOutbox').selectAll().execute()).toHaveLength(0);
  });
});

describe('who may invite', () => {
  it('SEC-AZ-01: admins always; members only when the setting allows it, and never as admin; viewers never', async () => {
    const { t, adminCookie } = await world();
    const member = await signedIn(t, 'member');
    const viewer = await signedIn(t, 'viewer');

    expect(outcome(await invite(t, member.cookie, { email: 'm1@example.test', role: 'member' }))).toBe(
      '403 forbidden',
    );
    expect(outcome(await invite(t, viewer.cookie, { email: 'v1@example.test', role: 'viewer' }))).toBe(
      '403 forbidden',
    );

    const on = await request(t, adminCookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { membersMayInvite: true },
    });
    expect(outcome(on)).toBe('200');

    const byMember = await invite(t, member.cookie, { email: 'm1@example.test', role: 'member' });
    expect(outcome(byMember)).toBe('201');
    expect(byMember.json().invitation.inviter.id).toBe(member.id);
    expect(outcome(await invite(t, member.cookie, { email: 'm2@example.test', role: 'viewer' }))).toBe('201');
    expect(outcome(await invite(t, member.cookie, { email: 'm3@example.test', role: 'admin' }))).toBe(
      '403 forbidden',
    );
    expect(outcome(await invite(t, viewer.cookie, { email: 'v1@example.test', role: 'viewer' }))).toBe(
      '403 forbidden',
    );
    // Listing, resending and revoking stay with admins.
    expect(outcome(await request(t, member.cookie, { method: 'GET', url: '/api/v1/invitations' }))).toBe(
      '403 forbidden',
    );
    const id = byMember.json().invitation.id as string;
    expect(
      outcome(await request(t, member.cookie, { method: 'POST', url: `/api/v1/invitations/${id}/resend` })),
    ).toBe('403 forbidden');
    expect(
      outcome(await request(t, member.cookie, { method: 'DELETE', url: `/api/v1/invitations/${id}` })),
    ).toBe('403 forbidden');
    expect(outcome(await invite(t, adminCookie, { email: 'a1@example.test', role: 'admin' }))).toBe('201');

    // Refusals are audited (SEC-AUD-01); nothing was stored for them. The viewer's second refusal
    // (same role, same minute) is written as the window's count when it ends (issue 10, item 5).
    await t.app.auditRepeats.flush(true);
    const denied = await auditActions(t, 'authorization.denied');
    const refusedInvitations = denied
      .filter((e) => e.details.includes('invitation.create'))
      .map((e) => JSON.parse(e.details) as { count?: number });
    expect(refusedInvitations.filter((d) => d.count !== undefined)).toEqual([
      expect.objectContaining({ inviterRole: 'viewer', count: 1 }),
    ]);
    expect(refusedInvitations.reduce((sum, d) => sum + (d.count ?? 1), 0)).toBe(4);
    const emails = (await t.db.db.selectFrom('invitations').select('email').execute())
      .map((r) => r.email)
      .sort();
    expect(emails).toEqual(['a1@example.test', 'm1@example.test', 'm2@example.test']);

    // Turned off again, at once.
    await request(t, adminCookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { membersMayInvite: false },
    });
    expect(outcome(await invite(t, member.cookie, { email: 'm4@example.test', role: 'member' }))).toBe(
      '403 forbidden',
    );
  });

  it('SEC-AZ-01: anonymous → 401 on the admin routes; lookup and accept are public', async () => {
    const { t } = await world();
    for (const [method, url] of [
      ['POST', '/api/v1/invitations'],
      ['GET', '/api/v1/invitations'],
      ['POST', '/api/v1/invitations/bulk'],
      ['POST', '/api/v1/invitations/some-id/resend'],
      ['DELETE', '/api/v1/invitations/some-id'],
    ] as const) {
      const res = await t.app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(`${method} ${url} → ${outcome(res)}`).toBe(`${method} ${url} → 401 unauthenticated`);
    }
    expect(outcome(await lookup(t, 'nope'))).toBe('400 invalid_token');
    expect(outcome(await accept(t, 'nope'))).toBe('400 invalid_token');
  });
});

describe('lookup and accept', () => {
  it('accepting creates the active user with the invited role, signs them in, and they appear in the users list', async () => {
    const { t, admin, adminCookie } = await world();
    const created = await invite(t, adminCookie, {
      email: 'nina@example.test',
      role: 'viewer',
      name: 'Nina',
    });
    const invitationId = created.json().invitation.id as string;
    const token = await newTokenFor(t, 'nina@example.test');

    // Looking the link up does not consume it (SEC-RST-08).
    for (let i = 0; i < 2; i += 1) {
      const seen = await lookup(t, token);
      expect(outcome(seen)).toBe('200');
      expect(seen.json()).toMatchObject({
        organization: 'Gatehouse',
        email: 'nina@example.test',
        role: 'viewer',
        inviter: 'Olga Admin',
        name: 'Nina',
        minPasswordLength: 15,
      });
    }

    const res = await accept(t, token, 'Nina Newcomer');
    expect(outcome(res)).toBe('201');
    const body = res.json();
    expect(body.passwordChangeRequired).toBe(false);
    expect(body.user).toMatchObject({
      email: 'nina@example.test',
      name: 'Nina Newcomer',
      role: 'viewer',
      status: 'active',
      passwordChangeRequired: false,
    });
    // The cookie is set exactly like sign-in sets it (SEC-SES-02).
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^__Host-gatehouse_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const cookie = sessionCookieOf(res);
    const me = await request(t, cookie, { method: 'GET', url: '/api/v1/me' });
    expect(outcome(me)).toBe('200');
    expect(me.json().user.email).toBe('nina@example.test');

    const users = await request(t, adminCookie, { method: 'GET', url: '/api/v1/users?q=nina@example' });
    expect(users.json()).toMatchObject({
      total: 1,
      items: [{ email: 'nina@example.test', status: 'active', role: 'viewer' }],
    });

    // The chosen password is theirs: they can sign in with it.
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nina@example.test', password: STRONG_PASSWORD },
    });
    expect(outcome(signIn)).toBe('200');
    expect(signIn.json().passwordChangeRequired).toBe(false);

    // Single use: the link is dead now, with the one generic answer.
    expect(outcome(await lookup(t, token))).toBe('400 invalid_token');
    expect(outcome(await accept(t, token, 'Someone Else'))).toBe('400 invalid_token');

    const listed = await request(t, adminCookie, {
      method: 'GET',
      url: '/api/v1/invitations?status=accepted',
    });
    expect(listed.json().items).toMatchObject([
      { id: invitationId, status: 'accepted', userId: body.user.id },
    ]);
    const accepted = await auditActions(t, 'invitation.accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ actorId: body.user.id, targetId: body.user.id });
    expect(JSON.parse(accepted[0]?.details ?? '{}')).toMatchObject({ invitationId, inviterId: admin.id });
    expect(await auditActions(t, 'user.created')).toHaveLength(2); // the admin, and the new user
  });

  it('SEC-PW-01/06: the password policy applies on accept, with the invited email and chosen name as context', async () => {
    const { t, adminCookie } = await world();
    await invite(t, adminCookie, { email: 'quentin.blake@example.test', role: 'member' });
    const token = await newTokenFor(t, 'quentin.blake@example.test');
    expect(outcome(await accept(t, token, 'Quentin Blake', 'short one'))).toBe('400 password_too_short');
    expect(outcome(await accept(t, token, 'Quentin Blake', 'my name is quentin and I like it'))).toBe(
      '400 password_contains_context',
    );
    expect(outcome(await accept(t, token, 'Zed Person', 'zanzibar person rocks on 77'))).toBe(
      '400 password_contains_context',
    );
    expect(outcome(await accept(t, token, 'Quentin Blake', 'password\u0000password1234'))).toBe(
      '400 password_invalid_characters',
    );
    // None of those used the link up.
    expect(outcome(await lookup(t, token))).toBe('200');
    expect(outcome(await accept(t, token, 'Quentin Blake'))).toBe('201');
  });

  it('SEC-RST-03: the link expires after 72 h; an expired pending invitation can be replaced by a new one', async () => {
    const { t, signInAdmin } = await world();
    let adminCookie = await signInAdmin();
    const first = await invite(t, adminCookie, { email: 'late@example.test', role: 'member' });
    const firstId = first.json().invitation.id as string;
    const token = await newTokenFor(t, 'late@example.test');

    t.clock.advance(LIFETIME - 1);
    adminCookie = await signInAdmin();
    expect(outcome(await lookup(t, token))).toBe('200');
    expect(outcome(await invite(t, adminCookie, { email: 'late@example.test', role: 'member' }))).toBe(
      '409 already_invited',
    );
    t.clock.advance(1);
    expect(outcome(await lookup(t, token))).toBe('400 invalid_token');
    expect(outcome(await accept(t, token))).toBe('400 invalid_token');

    const pending = await request(t, adminCookie, {
      method: 'GET',
      url: '/api/v1/invitations?status=pending',
    });
    expect(pending.json().total).toBe(0);
    const expired = await request(t, adminCookie, {
      method: 'GET',
      url: '/api/v1/invitations?status=expired',
    });
    expect(expired.json()).toMatchObject({ total: 1, items: [{ id: firstId, status: 'expired' }] });

    // A new invitation for the address retires the old one (stored 'expired') and works.
    const before = await tokensMailedTo(t, 'late@example.test');
    const second = await invite(t, adminCookie, { email: 'late@example.test', role: 'viewer' });
    expect(outcome(second)).toBe('201');
    const stored = await t.db.db
      .selectFrom('invitations')
      .select(['id', 'status'])
      .where('id', '=', firstId)
      .execute();
    expect(stored).toEqual([{ id: firstId, status: 'expired' }]);
    const fresh = await newTokenFor(t, 'late@example.test', before);
    expect(outcome(await accept(t, fresh))).toBe('201');
    expect(outcome(await accept(t, token))).toBe('400 invalid_token');
    // The old, retired invitation can be neither resent nor revoked.
    expect(
      outcome(
        await request(t, adminCookie, { method: 'POST', url: `/api/v1/invitations/${firstId}/resend` }),
      ),
    ).toBe('409 invitation_not_pending');
  });

  it('SEC-RST-04: ten parallel accepts of one link → exactly one 201, one user', async () => {
    const { t, adminCookie } = await world();
    await invite(t, adminCookie, { email: 'race@example.test', role: 'member' });
    const token = await newTokenFor(t, 'race@example.test');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => accept(t, token, `Racer Number ${i}`)),
    );
    const outcomes = results.map(outcome).sort();
    expect(outcomes.filter((o) => o === '201')).toHaveLength(1);
    expect(outcomes.filter((o) => o === '400 invalid_token')).toHaveLength(9);
    const users = await t.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'race@example.test')
      .execute();
    expect(users).toHaveLength(1);
    expect(await auditActions(t, 'invitation.accepted')).toHaveLength(1);
    const sessions = await t.db.db
      .selectFrom('sessions')
      .select('id')
      .where('userId', '=', users[0]?.id ?? '')
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it('SEC-IN-01: accept takes at most 64 KiB', async () => {
    const { t } = await world();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: 'x', name: 'Big', password: 'p'.repeat(70 * 1024) },
    });
    expect(outcome(res)).toBe('413 payload_too_large');
  });
});

describe('resend and revoke', () => {
  it('resend rotates the token: the old link → invalid_token, the new one works for 72 h from the resend', async () => {
    const { t, signInAdmin } = await world();
    let adminCookie = await signInAdmin();
    const created = await invite(t, adminCookie, { email: 'again@example.test', role: 'member' });
    const id = created.json().invitation.id as string;
    const oldToken = await newTokenFor(t, 'again@example.test');

    t.clock.advance(10 * HOUR);
    adminCookie = await signInAdmin();
    const resent = await request(t, adminCookie, { method: 'POST', url: `/api/v1/invitations/${id}/resend` });
    expect(outcome(resent)).toBe('200');
    expect(resent.json().invitation).toMatchObject({ id, status: 'pending' });
    expect(Date.parse(resent.json().invitation.expiresAt)).toBe(t.clock.now() + LIFETIME);
    const newToken = await newTokenFor(t, 'again@example.test', [oldToken]);
    expect(newToken).not.toBe(oldToken);
    expect(outcome(await lookup(t, oldToken))).toBe('400 invalid_token');
    expect(outcome(await accept(t, oldToken))).toBe('400 invalid_token');

    // Expired (but still pending) invitations can be resent too.
    t.clock.advance(LIFETIME);
    adminCookie = await signInAdmin();
    expect(outcome(await lookup(t, newToken))).toBe('400 invalid_token');
    const revived = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/invitations/${id}/resend`,
    });
    expect(outcome(revived)).toBe('200');
    const third = await newTokenFor(t, 'again@example.test', [oldToken, newToken]);
    expect(outcome(await lookup(t, third))).toBe('200');
    expect(await auditActions(t, 'invitation.resent')).toHaveLength(2);

    expect(outcome(await accept(t, third))).toBe('201');
    expect(
      outcome(await request(t, adminCookie, { method: 'POST', url: `/api/v1/invitations/${id}/resend` })),
    ).toBe('409 invitation_not_pending');
    expect(
      outcome(
        await request(t, adminCookie, { method: 'POST', url: '/api/v1/invitations/no-such-id/resend' }),
      ),
    ).toBe('404 invitation_not_found');
  });

  it('revoke: 204, the link stops working, the address can be invited again', async () => {
    const { t, admin, adminCookie } = await world();
    const created = await invite(t, adminCookie, { email: 'oops@example.test', role: 'admin' });
    const id = created.json().invitation.id as string;
    const token = await newTokenFor(t, 'oops@example.test');

    const revoked = await request(t, adminCookie, { method: 'DELETE', url: `/api/v1/invitations/${id}` });
    expect(revoked.statusCode).toBe(204);
    expect(outcome(await lookup(t, token))).toBe('400 invalid_token');
    expect(outcome(await accept(t, token))).toBe('400 invalid_token');
    expect(
      outcome(await request(t, adminCookie, { method: 'DELETE', url: `/api/v1/invitations/${id}` })),
    ).toBe('409 invitation_not_pending');
    expect(
      outcome(await request(t, adminCookie, { method: 'POST', url: `/api/v1/invitations/${id}/resend` })),
    ).toBe('409 invitation_not_pending');
    expect(
      outcome(await request(t, adminCookie, { method: 'DELETE', url: '/api/v1/invitations/nope' })),
    ).toBe('404 invitation_not_found');
    const list = await request(t, adminCookie, { method: 'GET', url: '/api/v1/invitations?status=revoked' });
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).toMatchObject({ id, status: 'revoked' });
    expect(list.json().items[0].revokedAt).toBe(new Date(t.clock.now()).toISOString());
    const events = await auditActions(t, 'invitation.revoked');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: admin.id, targetId: id });

    expect(outcome(await invite(t, adminCookie, { email: 'oops@example.test', role: 'member' }))).toBe('201');
  });
});

describe('listing', () => {
  it('filters by status and email, newest first, in keyset pages with a total', async () => {
    const { t, signInAdmin } = await world();
    let adminCookie = await signInAdmin();
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      t.clock.advance(1000);
      const res = await invite(t, adminCookie, { email: `list${i}@example.test`, role: 'member' });
      ids.push(res.json().invitation.id as string);
    }
    await invite(t, adminCookie, { email: 'other@elsewhere.test', role: 'viewer' });
    // One accepted, one revoked.
    await accept(t, await newTokenFor(t, 'list1@example.test'));
    await request(t, adminCookie, { method: 'DELETE', url: `/api/v1/invitations/${ids[2]}` });

    const collected: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/invitations?q=EXAMPLE.test&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await request(t, adminCookie, { method: 'GET', url });
      expect(outcome(res)).toBe('200');
      const page = res.json<{ items: InvitationJson[]; nextCursor: string | null; total: number }>();
      expect(page.total).toBe(7);
      collected.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(collected).toEqual([...ids].reverse());

    const byStatus = async (status: string) => {
      const res = await request(t, adminCookie, {
        method: 'GET',
        url: `/api/v1/invitations?status=${status}`,
      });
      return res.json<{ items: InvitationJson[]; total: number }>();
    };
    expect((await byStatus('pending')).total).toBe(6);
    expect((await byStatus('accepted')).items.map((i) => i.email)).toEqual(['list1@example.test']);
    expect((await byStatus('revoked')).items.map((i) => i.email)).toEqual(['list2@example.test']);
    expect((await byStatus('expired')).total).toBe(0);
    t.clock.advance(LIFETIME);
    adminCookie = await signInAdmin();
    expect((await byStatus('expired')).total).toBe(6);
    expect((await byStatus('pending')).total).toBe(0);

    expect(
      outcome(await request(t, adminCookie, { method: 'GET', url: '/api/v1/invitations?status=lost' })),
    ).toBe('400 validation_failed');
    expect(
      outcome(await request(t, adminCookie, { method: 'GET', url: '/api/v1/invitations?cursor=bm9wZQ' })),
    ).toBe('400 invalid_cursor');
    const forged = Buffer.from(JSON.stringify({ c: 'x', i: 1 })).toString('base64url');
    expect(
      outcome(await request(t, adminCookie, { method: 'GET', url: `/api/v1/invitations?cursor=${forged}` })),
    ).toBe('400 invalid_cursor');
  });

  it('SEC-AZ-05: no invitation response carries a token or its hash', async () => {
    const { t, adminCookie } = await world();
    const created = await invite(t, adminCookie, { email: 'h@example.test', role: 'member' });
    const token = await newTokenFor(t, 'h@example.test');
    const hash = sha256Hex(token);
    const id = created.json().invitation.id as string;
    const responses = [
      created,
      await request(t, adminCookie, { method: 'GET', url: '/api/v1/invitations' }),
      await lookup(t, token),
    ];
    const resent = await request(t, adminCookie, { method: 'POST', url: `/api/v1/invitations/${id}/resend` });
    responses.push(resent);
    const second = await newTokenFor(t, 'h@example.test', [token]);
    responses.push(await accept(t, second));
    for (const res of responses) {
      expect(res.statusCode).toBeLessThan(300);
      for (const secret of [token, hash, second, sha256Hex(second)]) expect(res.body).not.toContain(secret);
      expect(res.body).not.toMatch(/tokenHash|token_hash/);
    }
    // The link's token is redacted from request logs (SEC-LEAK-01).
    expect(t.logs.join('')).not.toContain(token);
  });
});

describe('bulk', () => {
  it('each row succeeds or fails on its own, with its index and code', async () => {
    const { t, adminCookie } = await world();
    await seedUser(t, { email: 'already@example.test' });
    const res = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/invitations/bulk',
      payload: {
        invitations: [
          { email: 'b0@example.test', role: 'member', name: 'Bea Zero' },
          { email: 'not an email', role: 'member' },
          { email: 'already@example.test', role: 'viewer' },
          { email: 'B3@example.test', role: 'viewer' },
          { email: 'b4@example.test', role: 'owner' },
          'just a string',
          { email: 'b3@example.test', role: 'member' },
          { email: 'b7@example.test', role: 'admin', extra: true },
          { email: 'b8@example.test', role: 'admin' },
        ],
      },
    });
    expect(outcome(res)).toBe('200');
    const results = res.json<{
      results: Array<{
        index: number;
        email: string | null;
        status: string;
        code?: string;
        invitation?: InvitationJson;
      }>;
    }>().results;
    expect(results.map((r) => [r.index, r.status, r.code ?? null])).toEqual([
      [0, 'created', null],
      [1, 'error', 'validation_failed'],
      [2, 'error', 'email_taken'],
      [3, 'created', null],
      [4, 'error', 'validation_failed'],
      [5, 'error', 'validation_failed'],
      [6, 'error', 'already_invited'],
      [7, 'error', 'validation_failed'],
      [8, 'created', null],
    ]);
    expect(results[3]?.email).toBe('b3@example.test');
    expect(results[0]?.invitation).toMatchObject({
      email: 'b0@example.test',
      name: 'Bea Zero',
      status: 'pending',
    });
    const stored = (await t.db.db.selectFrom('invitations').select('email').execute())
      .map((r) => r.email)
      .sort();
    expect(stored).toEqual(['b0@example.test', 'b3@example.test', 'b8@example.test']);
    const mails = await t.db.db
      .selectFrom('mailOutbox')
      .select('toAddress')
      .where('template', '=', 'invitation')
      .execute();
    expect(mails.map((m) => m.toAddress).sort()).toEqual(stored);
    expect(await auditActions(t, 'invitation.created')).toHaveLength(3);
  });

  it('at most 1,000 rows; admins only', async () => {
    const { t, adminCookie } = await world();
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ email: `r${i}@example.test`, role: 'viewer' }));
    const tooMany = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/invitations/bulk',
      payload: { invitations: rows(1001) },
    });
    expect(outcome(tooMany)).toBe('400 validation_failed');
    expect(
      outcome(
        await request(t, adminCookie, {
          method: 'POST',
          url: '/api/v1/invitations/bulk',
          payload: { invitations: [] },
        }),
      ),
    ).toBe('400 validation_failed');
    const member = await signedIn(t, 'member');
    expect(
      outcome(
        await request(t, member.cookie, {
          method: 'POST',
          url: '/api/v1/invitations/bulk',
          payload: { invitations: rows(1) },
        }),
      ),
    ).toBe('403 forbidden');
    expect(await t.db.db.selectFrom('invitations').selectAll().execute()).toHaveLength(0);
  });
});

describe('forgot password for an invited address', () => {
  it('SEC-RST-03 / SEC-ENUM-02: Forgot password never re-issues, extends or revives an invitation; the same 202', async () => {
    const { t, adminCookie } = await world();
    await invite(t, adminCookie, { email: 'forgetful@example.test', role: 'admin', name: 'Fay' });
    const first = await newTokenFor(t, 'forgetful@example.test');
    const before = await t.db.db.selectFrom('invitations').selectAll().execute();
    const forgot = (email: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/forgot-password', payload: { email } });

    // While the invitation is valid, and after it expired: the same answer as for nobody, nothing sent.
    for (const advance of [HOUR, 80 * HOUR]) {
      t.clock.advance(advance);
      const invited = await forgot('Forgetful@example.test');
      const unknown = await forgot('nobody@example.test');
      expect(invited.statusCode).toBe(202);
      expect(invited.body).toBe(unknown.body);
    }
    expect(await tokensMailedTo(t, 'forgetful@example.test')).toEqual([first]);
    expect(await t.db.db.selectFrom('invitations').selectAll().execute()).toEqual(before);
    expect(await auditActions(t, 'invitation.resent')).toEqual([]);
    const requested = await auditActions(t, 'auth.password_reset_requested');
    expect(requested.map((e) => JSON.parse(e.details ?? '{}').reason)).toEqual([
      'unknown_email',
      'unknown_email',
      'unknown_email',
      'unknown_email',
    ]);
    // The expired link stays dead: nobody can bring it back without an admin.
    expect(outcome(await lookup(t, first))).toBe('400 invalid_token');
    expect(outcome(await accept(t, first, 'Mallory'))).toBe('400 invalid_token');
    expect(
      await t.db.db
        .selectFrom('users')
        .select('email')
        .where('email', '=', 'forgetful@example.test')
        .execute(),
    ).toEqual([]);
  });
});

describe("an invitation is only as good as its inviter's authority", () => {
  async function enableMemberInvites(t: TestApp, adminCookie: string, on: boolean) {
    const res = await request(t, adminCookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { membersMayInvite: on },
    });
    expect(outcome(res)).toBe('200');
  }

  it('SEC-AZ-01: deactivating an inviter revokes their pending invitations, audited; the links die', async () => {
    const { t, admin, adminCookie } = await world();
    const other = await seedUser(t, { email: 'ada.admin@example.test', name: 'Ada Admin', role: 'admin' });
    const otherCookie = sessionCookieOf(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: other.email, password: other.password },
      }),
    );
    expect(outcome(await invite(t, otherCookie, { email: 'boss@example.test', role: 'admin' }))).toBe('201');
    expect(outcome(await invite(t, otherCookie, { email: 'dev@example.test', role: 'member' }))).toBe('201');
    expect(outcome(await invite(t, adminCookie, { email: 'kept@example.test', role: 'member' }))).toBe('201');
    const [boss, dev, kept] = await Promise.all(
      ['boss@example.test', 'dev@example.test', 'kept@example.test'].map((e) => newTokenFor(t, e)),
    );

    const off = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${other.id}/deactivate`,
    });
    expect(outcome(off)).toBe('200');
    for (const token of [boss, dev] as string[]) {
      expect(outcome(await lookup(t, token))).toBe('400 invalid_token');
      expect(outcome(await accept(t, token, 'Mallory'))).toBe('400 invalid_token');
    }
    const statuses = await t.db.db
      .selectFrom('invitations')
      .select(['email', 'status'])
      .orderBy('email')
      .execute();
    expect(statuses).toEqual([
      { email: 'boss@example.test', status: 'revoked' },
      { email: 'dev@example.test', status: 'revoked' },
      { email: 'kept@example.test', status: 'pending' },
    ]);
    const revoked = await auditActions(t, 'invitation.revoked');
    expect(
      revoked.map((e) => [e.actorId, e.targetLabel, JSON.parse(e.details ?? '{}').reason]).sort(),
    ).toEqual([
      [admin.id, 'boss@example.test', 'inviter_deactivated'],
      [admin.id, 'dev@example.test', 'inviter_deactivated'],
    ]);
    // Another admin's invitation is untouched.
    expect(outcome(await accept(t, kept as string, 'Kim Kept'))).toBe('201');
  });

  it("SEC-AZ-01: demoting an inviter revokes the invitations their new role could not make; a member's stay while members may invite", async () => {
    const { t, admin, adminCookie } = await world();
    await enableMemberInvites(t, adminCookie, true);
    const other = await seedUser(t, { email: 'dana.admin@example.test', name: 'Dana Admin', role: 'admin' });
    const otherCookie = sessionCookieOf(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: other.email, password: other.password },
      }),
    );
    expect(outcome(await invite(t, otherCookie, { email: 'root2@example.test', role: 'admin' }))).toBe('201');
    expect(outcome(await invite(t, otherCookie, { email: 'helper@example.test', role: 'member' }))).toBe(
      '201',
    );
    const rootToken = await newTokenFor(t, 'root2@example.test');
    const helperToken = await newTokenFor(t, 'helper@example.test');

    const demote = await request(t, adminCookie, {
      method: 'PATCH',
      url: `/api/v1/users/${other.id}`,
      payload: { role: 'member' },
    });
    expect(outcome(demote)).toBe('200');
    expect(outcome(await lookup(t, rootToken))).toBe('400 invalid_token');
    expect(outcome(await accept(t, rootToken, 'Mallory'))).toBe('400 invalid_token');
    const revoked = await auditActions(t, 'invitation.revoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.actorId).toBe(admin.id);
    expect(revoked[0]?.targetLabel).toBe('root2@example.test');
    expect(JSON.parse(revoked[0]?.details ?? '{}')).toMatchObject({ reason: 'inviter_role_changed' });
    // A member may invite members while the setting is on: that invitation stays good.
    expect(outcome(await lookup(t, helperToken))).toBe('200');

    // Demoted further to viewer: viewers never invite, so it goes too.
    const toViewer = await request(t, adminCookie, {
      method: 'PATCH',
      url: `/api/v1/users/${other.id}`,
      payload: { role: 'viewer' },
    });
    expect(outcome(toViewer)).toBe('200');
    expect(outcome(await accept(t, helperToken, 'Hal Helper'))).toBe('400 invalid_token');
    expect(
      await t.db.db
        .selectFrom('users')
        .select('id')
        .where('email', 'in', ['root2@example.test', 'helper@example.test'])
        .execute(),
    ).toEqual([]);
  });

  it('SEC-AZ-01: accepting refuses an invitation whose inviter is deactivated or may no longer invite to its role (403 inviter_not_allowed); nothing is created', async () => {
    const { t, adminCookie } = await world();
    await enableMemberInvites(t, adminCookie, true);
    const member = await signedIn(t, 'member');
    expect(outcome(await invite(t, member.cookie, { email: 'friend@example.test', role: 'member' }))).toBe(
      '201',
    );
    const friend = await newTokenFor(t, 'friend@example.test');

    // Members may no longer invite: the member's invitation carries no authority any more.
    await enableMemberInvites(t, adminCookie, false);
    expect(outcome(await lookup(t, friend))).toBe('403 inviter_not_allowed');
    expect(outcome(await accept(t, friend, 'Fred Friend'))).toBe('403 inviter_not_allowed');
    expect(
      await t.db.db.selectFrom('users').select('id').where('email', '=', 'friend@example.test').execute(),
    ).toEqual([]);
    const row = await t.db.db
      .selectFrom('invitations')
      .select('status')
      .where('email', '=', 'friend@example.test')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    // Allowed again: the same link works (it was never consumed).
    await enableMemberInvites(t, adminCookie, true);
    expect(outcome(await lookup(t, friend))).toBe('200');

    // An inviter deactivated without the revocation (e.g. before this rule existed): refused too.
    const admin2 = await seedUser(t, { email: 'old.admin@example.test', name: 'Old Admin', role: 'admin' });
    const admin2Cookie = sessionCookieOf(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: admin2.email, password: admin2.password },
      }),
    );
    expect(outcome(await invite(t, admin2Cookie, { email: 'heir@example.test', role: 'admin' }))).toBe('201');
    const heir = await newTokenFor(t, 'heir@example.test');
    await t.db.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', admin2.id).execute();
    expect(outcome(await lookup(t, heir))).toBe('403 inviter_not_allowed');
    expect(outcome(await accept(t, heir, 'Harry Heir'))).toBe('403 inviter_not_allowed');
    expect(
      await t.db.db.selectFrom('users').select('id').where('email', '=', 'heir@example.test').execute(),
    ).toEqual([]);
    // The member's invitation (setting on) is accepted as before.
    expect(outcome(await accept(t, friend, 'Fred Friend'))).toBe('201');
  });
});

describe('invitations by members (issue 10, item 7)', () => {
  async function memberWorld() {
    const w = await world();
    const on = await request(w.t, w.adminCookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { membersMayInvite: true },
    });
    expect(outcome(on)).toBe('200');
    const member = await signedIn(w.t, 'member');
    return { ...w, member };
  }

  it('SEC-ENUM-02 / SEC-AZ-01: a member learns nothing about who is already a user or invited: the same 201 as a sent invitation', async () => {
    const { t, admin, adminCookie, member } = await memberWorld();
    expect(outcome(await invite(t, adminCookie, { email: 'pending@example.test', role: 'viewer' }))).toBe(
      '201',
    );
    const mailsBefore = await t.db.db.selectFrom('mailOutbox').select('id').execute();
    const invitationsBefore = await t.db.db.selectFrom('invitations').selectAll().orderBy('id').execute();

    const shape = (res: LightMyRequestResponse) => {
      const { invitation } = res.json() as { invitation: InvitationJson };
      return {
        status: res.statusCode,
        keys: Object.keys(invitation).sort(),
        invitation: { ...invitation, id: typeof invitation.id, createdAt: 'x', expiresAt: 'x' },
      };
    };
    const fresh = await invite(t, member.cookie, { email: 'new@example.test', role: 'member', name: 'Nia' });
    const existingUser = await invite(t, member.cookie, { email: admin.email, role: 'member', name: 'Nia' });
    const alreadyInvited = await invite(t, member.cookie, {
      email: 'pending@example.test',
      role: 'member',
      name: 'Nia',
    });
    const expected = shape(fresh);
    expect(expected.status).toBe(201);
    for (const res of [existingUser, alreadyInvited]) {
      const got = shape(res);
      expect({ ...got, invitation: { ...got.invitation, email: 'x' } }).toEqual({
        ...expected,
        invitation: { ...expected.invitation, email: 'x' },
      });
    }
    // Nothing was stored or sent for the two; the fresh one was.
    const mails = await t.db.db.selectFrom('mailOutbox').select(['toAddress']).execute();
    expect(mails.length - mailsBefore.length).toBe(1);
    expect(mails.map((m) => m.toAddress)).not.toContain(admin.email);
    const after = await t.db.db
      .selectFrom('invitations')
      .selectAll()
      .where('email', '!=', 'new@example.test')
      .orderBy('id')
      .execute();
    expect(after).toEqual(invitationsBefore);
    // The audit log keeps the truth for admins.
    const attempts = (await auditActions(t, 'invitation.created')).filter((e) => e.outcome === 'failure');
    expect(attempts.map((e) => JSON.parse(e.details ?? '{}').reason).sort()).toEqual([
      'already_invited',
      'email_taken',
    ]);
    // Admins still get the plain answers.
    expect(outcome(await invite(t, adminCookie, { email: admin.email, role: 'member' }))).toBe(
      '409 email_taken',
    );
    expect(outcome(await invite(t, adminCookie, { email: 'pending@example.test', role: 'member' }))).toBe(
      '409 already_invited',
    );
  });

  it('SEC-BF-04 / SEC-AZ-01: a member sends at most 20 invitations an hour (429 with Retry-After); admins are not limited', async () => {
    const { t, adminCookie, member } = await memberWorld();
    for (let i = 0; i < 20; i += 1)
      expect(outcome(await invite(t, member.cookie, { email: `m${i}@example.test`, role: 'viewer' }))).toBe(
        '201',
      );
    const limited = await invite(t, member.cookie, { email: 'm20@example.test', role: 'viewer' });
    expect(outcome(limited)).toBe('429 rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect(
      await t.db.db.selectFrom('invitations').select('id').where('email', '=', 'm20@example.test').execute(),
    ).toEqual([]);
    // Another member has their own allowance; admins have none.
    const other = await signedIn(t, 'member');
    expect(outcome(await invite(t, other.cookie, { email: 'o1@example.test', role: 'viewer' }))).toBe('201');
    for (let i = 0; i < 25; i += 1)
      expect(outcome(await invite(t, adminCookie, { email: `a${i}@example.test`, role: 'viewer' }))).toBe(
        '201',
      );
    // An hour later the member may invite again.
    t.clock.advance(HOUR);
    const cookie = await signIn(t, member.email, member.password);
    expect(outcome(await invite(t, cookie, { email: 'm20@example.test', role: 'viewer' }))).toBe('201');
  });

  it("SEC-IN-02 / SEC-IN-03: an inviter's message is plain text: ≤ 500 characters and 10 lines, no links, markup or control characters; escaped in the mail", async () => {
    const { t, member } = await memberWorld();
    const refused: Array<[string, string]> = [
      ['too long', 'x'.repeat(501)],
      ['too many lines', Array.from({ length: 11 }, (_, i) => `line ${i}`).join('\n')],
      ['a link', 'Sign up at https://evil.example/login'],
      ['a bare link', 'see www.evil.example'],
      ['mailto', 'write to mailto:eve@evil.example'],
      ['markup', 'Hello <a href="x">click</a>'],
      ['a script', '<script>alert(1)</script>'],
      ['a control character', 'Hi\u0007there'],
      ['a tab', 'Hi\tthere'],
      ['a bidi override', 'Hi \u202Eereht'],
      ['zero-width', 'Hi\u200Bthere'],
    ];
    const failures: string[] = [];
    for (const [label, message] of refused) {
      const res = await invite(t, member.cookie, { email: 'msg@example.test', role: 'viewer', message });
      const details = (res.json() as { error?: { details?: Array<{ path: string }> } }).error?.details ?? [];
      if (outcome(res) !== '400 validation_failed' || !details.some((d) => d.path === 'body.message'))
        failures.push(`${label} → ${res.statusCode} ${res.body}`);
    }
    expect(failures).toEqual([]);
    expect(await t.db.db.selectFrom('invitations').select('id').execute()).toEqual([]);
    expect(await invitationMails(t, 'msg@example.test')).toEqual([]);

    const note = `Welcome aboard, we're "glad" & happy!\r\nSee you Monday — Ana 🙂 ${'y'.repeat(400)}`;
    expect(
      outcome(await invite(t, member.cookie, { email: 'msg@example.test', role: 'viewer', message: note })),
    ).toBe('201');
    const [mail] = await invitationMails(t, 'msg@example.test');
    expect(mail?.textBody).toContain(`Welcome aboard, we're "glad" & happy!\n\nSee you Monday — Ana 🙂`);
    expect(mail?.htmlBody).toContain('Welcome aboard, we&#39;re &quot;glad&quot; &amp; happy!');
    expect(mail?.htmlBody).not.toContain('"glad" &');
    // The mail's only link is the invitation's own.
    const links = (mail?.textBody ?? '').match(/https?:\/\/\S+/g) ?? [];
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/\/invitations\/accept\?token=/);
  });
});
