import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../src/modules/tokens/index.js';
import { getUser } from '../../src/modules/users/index.js';
import { sha256Hex } from '../../src/shared/crypto.js';
import { cliContext } from '../../src/shared/context.js';
import {
  buildTestApp,
  request,
  seedUser,
  signedIn,
  signIn,
  STRONG_PASSWORD,
  type TestApp,
} from '../harness.js';

/**
 * Personal API tokens (SEC-TOK-01), their IDOR rules (SEC-AZ-02), their notice mail (SEC-NOT-01) and
 * their place in the cross-site check (SEC-CSRF-01: Bearer requests are exempt, cookies are not).
 * Everything goes through the real app; the database is read only to see what is stored.
 */

const HOUR = 3_600_000;
const TOKEN_SHAPE = /^ghk_[A-Za-z0-9_-]{43}$/;
const EVIL = 'https://evil.example';

interface TokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

interface Created {
  token: string;
  info: TokenInfo;
}

type Person = { id: string; email: string; password: string; cookie: string };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json<{ error: { code: string } }>().error.code).toBe(code);
}

describe('SEC-TOK-01: personal API tokens', () => {
  let t: TestApp;
  /** The admin who manages the others; signed in afresh by each test, since some move the clock by hours. */
  let root: Person;

  beforeAll(async () => {
    t = await buildTestApp();
    root = await signedIn(t, 'admin');
  });

  beforeEach(async () => {
    root = { ...root, cookie: await signIn(t, root.email, root.password) };
  });

  async function createVia(cookie: string, body: object = { name: 'ci deploy' }): Promise<Created> {
    const res = await request(t, cookie, { method: 'POST', url: '/api/v1/me/tokens', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Created>();
  }

  /** GET /api/v1/me/tokens: a route without allowTemporaryPassword, so it shows every refusal. */
  const ownList = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: bearer(token) });
  const usersList = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) });

  async function storedToken(id: string) {
    return t.db.db.selectFrom('apiTokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  it('SEC-TOK-01: 256 random bits behind a recognizable ghk_ prefix, returned once, stored only as SHA-256', async () => {
    const owner = await signedIn(t, 'member');
    const logsBefore = t.logs.length;
    const first = await createVia(owner.cookie, { name: 'laptop script' });
    const second = await createVia(owner.cookie, { name: 'ci deploy' });

    for (const { token, info } of [first, second]) {
      expect(token).toMatch(TOKEN_SHAPE);
      // 43 base64url characters are 32 bytes: 256 bits.
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
      expect(info.prefix).toBe(token.slice(0, info.prefix.length));
      expect(info.prefix.startsWith('ghk_')).toBe(true);
      // The prefix tells tokens apart; it is far too short to be the secret.
      expect(info.prefix.length).toBeLessThanOrEqual(12);
      expect(info.expiresAt).toBeNull();
    }
    expect(first.token).not.toBe(second.token);

    // It works as a Bearer token, for its owner.
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(first.token) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ user: { id: string } }>().user.id).toBe(owner.id);

    // Shown once: the lists (own and admin's) carry name, prefix and dates, never the secret or its hash.
    const own = await request(t, owner.cookie, { method: 'GET', url: '/api/v1/me/tokens' });
    const admins = await request(t, root.cookie, { method: 'GET', url: `/api/v1/users/${owner.id}/tokens` });
    for (const list of [own, admins]) {
      expect(list.statusCode, list.body).toBe(200);
      const items = list.json<{ items: TokenInfo[] }>().items;
      expect(items.map((i) => i.name).sort()).toEqual(['ci deploy', 'laptop script']);
      for (const item of items) expect(Object.keys(item).sort()).toEqual(Object.keys(first.info).sort());
      for (const secret of [first.token, second.token, sha256Hex(first.token), sha256Hex(second.token)]) {
        expect(list.body).not.toContain(secret);
      }
    }
    // Using a token shows when it was last used.
    const used = own.json<{ items: TokenInfo[] }>().items.find((i) => i.id === first.info.id);
    expect(used?.lastUsedAt).toBe(new Date(t.clock.now()).toISOString());

    // Stored hashed: the row holds the SHA-256 and nothing from which the token could be rebuilt.
    const row = await storedToken(first.info.id);
    expect(row?.tokenHash).toBe(sha256Hex(first.token));
    expect(JSON.stringify(row)).not.toContain(first.token);
    expect(JSON.stringify(row)).not.toContain(first.token.slice(4));

    // Never logged: not by the creation, the use or the lists above.
    const logs = t.logs.slice(logsBefore).join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const { token } of [first, second]) {
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(token.slice(4));
    }
  });

  it('SEC-TOK-01: accepted only as Authorization: Bearer, never from a query string or a cookie', async () => {
    const owner = await signedIn(t, 'admin');
    const { token } = await createVia(owner.cookie);
    expect((await ownList(token)).statusCode).toBe(200);
    expect((await usersList(token)).statusCode).toBe(200);

    const elsewhere: Array<{ url: string; headers?: Record<string, string> }> = [
      { url: `/api/v1/me/tokens?access_token=${token}` },
      { url: `/api/v1/me/tokens?token=${token}` },
      { url: `/api/v1/users?access_token=${token}` },
      { url: '/api/v1/me/tokens', headers: { cookie: `gatehouse_session=${token}` } },
      { url: '/api/v1/me/tokens', headers: { cookie: `access_token=${token}` } },
      { url: '/api/v1/me/tokens', headers: { authorization: token } },
      { url: '/api/v1/me/tokens', headers: { authorization: `Token ${token}` } },
      {
        url: '/api/v1/me/tokens',
        headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` },
      },
      { url: '/api/v1/me/tokens', headers: { 'x-api-key': token } },
    ];
    for (const attempt of elsewhere) {
      const res = await t.app.inject({ method: 'GET', ...attempt });
      expectError(res, 401, 'unauthenticated');
    }
    // The token itself is still good: the refusals were about where it was put.
    expect((await ownList(token)).statusCode).toBe(200);
  });

  it('SEC-TOK-01: an optional expiry, after which the token is refused; an expiry in the past is refused at creation', async () => {
    const owner = await signedIn(t, 'member');
    for (const past of [t.clock.now() - 1, t.clock.now(), t.clock.now() - 365 * 24 * HOUR]) {
      const res = await request(t, owner.cookie, {
        method: 'POST',
        url: '/api/v1/me/tokens',
        payload: { name: 'already over', expiresAt: new Date(past).toISOString() },
      });
      expectError(res, 400, 'token_expiry_in_past');
    }
    const names = (await request(t, owner.cookie, { method: 'GET', url: '/api/v1/me/tokens' }))
      .json<{ items: TokenInfo[] }>()
      .items.map((i) => i.name);
    expect(names).toEqual([]);

    const expiresAt = new Date(t.clock.now() + HOUR).toISOString();
    const { token, info } = await createVia(owner.cookie, { name: 'one hour', expiresAt });
    expect(info.expiresAt).toBe(expiresAt);
    expect((await ownList(token)).statusCode).toBe(200);

    t.clock.advance(HOUR - 1);
    expect((await ownList(token)).statusCode).toBe(200);
    t.clock.advance(1);
    expectError(await ownList(token), 401, 'unauthenticated');
    t.clock.advance(HOUR);
    expectError(await ownList(token), 401, 'unauthenticated');
    // Its owner still sees it listed, with the expiry that ended it.
    const cookie = await signIn(t, owner.email, owner.password);
    const listed = (await request(t, cookie, { method: 'GET', url: '/api/v1/me/tokens' })).json<{
      items: TokenInfo[];
    }>();
    expect(listed.items).toEqual([expect.objectContaining({ id: info.id, expiresAt })]);
  });

  it('SEC-TOK-01: revoked immediately; the next request with it is refused', async () => {
    const owner = await signedIn(t, 'member');
    const kept = await createVia(owner.cookie, { name: 'kept' });
    const { token, info } = await createVia(owner.cookie, { name: 'revoked' });
    expect((await ownList(token)).statusCode).toBe(200);

    const res = await request(t, owner.cookie, { method: 'DELETE', url: `/api/v1/me/tokens/${info.id}` });
    expect(res.statusCode, res.body).toBe(204);
    expectError(await ownList(token), 401, 'unauthenticated');
    expect(await storedToken(info.id)).toBeUndefined();
    // Only that one: the other token of the same user still works.
    expect((await ownList(kept.token)).statusCode).toBe(200);
    // A token can revoke itself, too; that request succeeds and the next one is refused.
    const self = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/tokens/${kept.info.id}`,
      headers: bearer(kept.token),
    });
    expect(self.statusCode, self.body).toBe(204);
    expectError(await ownList(kept.token), 401, 'unauthenticated');
  });

  it("SEC-TOK-01: a token acts with its owner's current role: a demoted admin's token loses the admin routes", async () => {
    const admin = await signedIn(t, 'admin');
    const { token } = await createVia(admin.cookie);
    expect((await usersList(token)).statusCode).toBe(200);

    const demote = await request(t, root.cookie, {
      method: 'PATCH',
      url: `/api/v1/users/${admin.id}`,
      payload: { role: 'member' },
    });
    expect(demote.statusCode, demote.body).toBe(200);
    expectError(await usersList(token), 403, 'forbidden');
    // Still the owner's token, with the owner's member rights.
    expect((await ownList(token)).statusCode).toBe(200);

    const promote = await request(t, root.cookie, {
      method: 'PATCH',
      url: `/api/v1/users/${admin.id}`,
      payload: { role: 'admin' },
    });
    expect(promote.statusCode, promote.body).toBe(200);
    expect((await usersList(token)).statusCode).toBe(200);
  });

  it("SEC-TOK-01: a member's or viewer's token is refused on admin routes", async () => {
    for (const role of ['member', 'viewer'] as const) {
      const person = await signedIn(t, role);
      const { token } = await createVia(person.cookie);
      expect((await ownList(token)).statusCode).toBe(200);
      expectError(await usersList(token), 403, 'forbidden');
      const create = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: bearer(token),
        payload: {
          email: `made-by-${role}@example.test`,
          name: 'Nobody',
          role: 'admin',
          generatePassword: true,
        },
      });
      expectError(create, 403, 'forbidden');
      expect(
        await t.db.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', `made-by-${role}@example.test`)
          .execute(),
      ).toEqual([]);
    }
  });

  it('SEC-TOK-01: deactivation revokes every token of the user, for good', async () => {
    const owner = await signedIn(t, 'member');
    const a = await createVia(owner.cookie, { name: 'a' });
    const b = await createVia(owner.cookie, { name: 'b' });
    const off = await request(t, root.cookie, {
      method: 'POST',
      url: `/api/v1/users/${owner.id}/deactivate`,
    });
    expect(off.statusCode, off.body).toBe(200);
    for (const { token } of [a, b]) expectError(await ownList(token), 401, 'unauthenticated');
    expect(
      await t.db.db.selectFrom('apiTokens').select('id').where('userId', '=', owner.id).execute(),
    ).toEqual([]);

    // Activating the account again does not bring the tokens back.
    const on = await request(t, root.cookie, { method: 'POST', url: `/api/v1/users/${owner.id}/activate` });
    expect(on.statusCode, on.body).toBe(200);
    for (const { token } of [a, b]) expectError(await ownList(token), 401, 'unauthenticated');
  });

  it("SEC-TOK-01: an admin's password reset revokes the user's tokens", async () => {
    const owner = await signedIn(t, 'member');
    const { token } = await createVia(owner.cookie);
    const reset = await request(t, root.cookie, {
      method: 'POST',
      url: `/api/v1/users/${owner.id}/password`,
      payload: { generate: true },
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expectError(await ownList(token), 401, 'unauthenticated');
    const event = await t.db.db
      .selectFrom('auditEvents')
      .select('details')
      .where('action', '=', 'user.password_reset_by_admin')
      .where('targetId', '=', owner.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ tokensRevoked: 1 });
  });

  it('SEC-TOK-01: a completed self-service password reset revokes the tokens', async () => {
    const owner = await signedIn(t, 'member');
    const { token } = await createVia(owner.cookie);
    const forgot = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email: owner.email },
      remoteAddress: '198.51.100.77',
    });
    expect(forgot.statusCode, forgot.body).toBe(202);
    // The link as the queued mail carries it (the dispatcher has not sent it yet).
    const mail = await t.db.db
      .selectFrom('mailOutbox')
      .select('textBody')
      .where('toAddress', '=', owner.email)
      .where('template', '=', 'password_reset')
      .executeTakeFirstOrThrow();
    const resetToken = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.textBody ?? '')?.[1];
    expect(resetToken).toBeTruthy();
    // Asking for a reset is not enough: the token still works until the reset is completed.
    expect((await ownList(token)).statusCode).toBe(200);

    const done = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token: resetToken, newPassword: 'violet harbour compass 2026' },
    });
    expect(done.statusCode, done.body).toBe(204);
    expectError(await ownList(token), 401, 'unauthenticated');
  });

  it('SEC-TOK-01 / SEC-NOT-01: a new token queues a notice to its owner with name and prefix, never the secret', async () => {
    const owner = await signedIn(t, 'member');
    const { token, info } = await createVia(owner.cookie, { name: 'Nightly backup job' });
    const mails = await t.db.db
      .selectFrom('mailOutbox')
      .selectAll()
      .where('template', '=', 'token_created')
      .where('toAddress', '=', owner.email)
      .execute();
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail?.status).toBe('queued');
    expect(mail?.textBody).toContain('Nightly backup job');
    expect(mail?.textBody).toContain(info.prefix);
    expect(mail?.htmlBody).toContain(info.prefix);
    // No mail anywhere in the outbox holds the secret, whole or without its prefix, or its hash.
    const outbox = JSON.stringify(await t.db.db.selectFrom('mailOutbox').selectAll().execute());
    for (const needle of [token, token.slice(4), sha256Hex(token)]) expect(outbox).not.toContain(needle);
    // Nor does the audit event of the creation.
    const events = JSON.stringify(await t.db.db.selectFrom('auditEvents').selectAll().execute());
    for (const needle of [token, token.slice(4), sha256Hex(token)]) expect(events).not.toContain(needle);
    const created = await t.db.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('action', '=', 'token.created')
      .where('targetId', '=', owner.id)
      .executeTakeFirstOrThrow();
    expect(created.actorId).toBe(owner.id);
    expect(JSON.parse(created.details)).toEqual({
      tokenId: info.id,
      name: 'Nightly backup job',
      prefix: info.prefix,
    });

    // Sent through the default log transport, the mail text reaches the log: still without the secret.
    const logsBefore = t.logs.length;
    await t.app.mail.dispatcher.runOnce();
    const logs = t.logs.slice(logsBefore).join('');
    expect(logs).toContain('Nightly backup job');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(token.slice(4));
  });

  it('SEC-TOK-01 / SEC-TMP-01: the token of a user with a temporary password gets 403 password_change_required', async () => {
    const person = await seedUser(t, { role: 'admin', temporary: true });
    // The console cannot create one in this state (see below); the service can, as an old token would be.
    const owner = await getUser(t.deps, person.id);
    const { token } = await createToken(
      t.deps,
      { ...cliContext(), actorId: person.id, actorLabel: person.email },
      owner,
      { name: 'left over' },
    );
    expectError(await ownList(token), 403, 'password_change_required');
    expectError(await usersList(token), 403, 'password_change_required');

    const cookie = await signIn(t, person.email, person.password);
    const res = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'new' },
    });
    expectError(res, 403, 'password_change_required');
  });

  it('SEC-TOK-01: a request with a Bearer header is judged by the token alone; any cookie is ignored', async () => {
    expect((await request(t, root.cookie, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    for (const authorization of [
      'Bearer ghk_not-a-real-token',
      'Bearer garbage',
      'Bearer ',
      'Bearer',
      'Basic Zm9vOmJhcg==',
    ]) {
      const res = await request(t, root.cookie, {
        method: 'GET',
        url: '/api/v1/users',
        headers: { authorization },
      });
      expectError(res, 401, 'unauthenticated');
    }
    // A member's valid token with an admin's cookie: the member's rights, not the admin's.
    const member = await signedIn(t, 'member');
    const { token } = await createVia(member.cookie);
    const res = await request(t, root.cookie, {
      method: 'GET',
      url: '/api/v1/users',
      headers: bearer(token),
    });
    expectError(res, 403, 'forbidden');
    const who = await request(t, root.cookie, { method: 'GET', url: '/api/v1/me', headers: bearer(token) });
    expect(who.json<{ user: { id: string } }>().user.id).toBe(member.id);
  });

  it("SEC-TOK-01: an admin lists and revokes another user's tokens; the revocation is audited (actor admin, target user)", async () => {
    const owner = await signedIn(t, 'member');
    const other = await signedIn(t, 'member');
    const { token, info } = await createVia(owner.cookie, { name: 'to be revoked' });
    const foreign = await createVia(other.cookie, { name: 'someone else' });

    const list = await request(t, root.cookie, { method: 'GET', url: `/api/v1/users/${owner.id}/tokens` });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json<{ items: TokenInfo[] }>().items).toEqual([info]);

    // The token id must belong to the user named in the path.
    const mismatched = await request(t, root.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${owner.id}/tokens/${foreign.info.id}`,
    });
    expectError(mismatched, 404, 'token_not_found');
    expect((await ownList(foreign.token)).statusCode).toBe(200);

    const revoke = await request(t, root.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${owner.id}/tokens/${info.id}`,
    });
    expect(revoke.statusCode, revoke.body).toBe(204);
    expectError(await ownList(token), 401, 'unauthenticated');
    const again = await request(t, root.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${owner.id}/tokens/${info.id}`,
    });
    expectError(again, 404, 'token_not_found');

    const audit = await request(t, root.cookie, {
      method: 'GET',
      url: `/api/v1/audit-events?action=token.revoked&target=${owner.id}`,
    });
    expect(audit.statusCode, audit.body).toBe(200);
    const events = audit.json<{ items: Array<Record<string, unknown>> }>().items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'token.revoked',
      outcome: 'success',
      actor: { id: root.id, label: root.email },
      target: { id: owner.id, label: owner.email },
      details: { tokenId: info.id, name: 'to be revoked', prefix: info.prefix },
    });

    // Unknown users are not found, not an empty list.
    const nobody = await request(t, root.cookie, {
      method: 'GET',
      url: '/api/v1/users/00000000-0000-0000-0000-000000000000/tokens',
    });
    expectError(nobody, 404, 'user_not_found');
  });

  it("SEC-AZ-02: a member can neither list nor revoke another user's tokens (cookie or token)", async () => {
    const victim = await signedIn(t, 'member');
    const { token: victimToken, info } = await createVia(victim.cookie, { name: 'victim' });
    for (const role of ['member', 'viewer'] as const) {
      const attacker = await signedIn(t, role);
      const { token: attackerToken } = await createVia(attacker.cookie);
      for (const headers of [{ cookie: attacker.cookie }, bearer(attackerToken)]) {
        const list = await t.app.inject({ method: 'GET', url: `/api/v1/users/${victim.id}/tokens`, headers });
        expectError(list, 403, 'forbidden');
        expect(list.body).not.toContain(info.prefix);
        const adminRevoke = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/users/${victim.id}/tokens/${info.id}`,
          headers,
        });
        expectError(adminRevoke, 403, 'forbidden');
        // Through their own /me route, someone else's token id is simply not found.
        const ownRevoke = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/me/tokens/${info.id}`,
          headers,
        });
        expectError(ownRevoke, 404, 'token_not_found');
        // And their own list never shows it.
        const mine = await t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers });
        expect(mine.statusCode).toBe(200);
        expect(mine.json<{ items: TokenInfo[] }>().items.map((i) => i.id)).not.toContain(info.id);
      }
    }
    // Nothing happened to the victim's token.
    expect(await storedToken(info.id)).toBeDefined();
    expect((await ownList(victimToken)).statusCode).toBe(200);
  });

  it('SEC-CSRF-01: a Bearer request from a foreign Origin is exempt from the cross-site check; a cookie request is not', async () => {
    const owner = await signedIn(t, 'member');
    const { token } = await createVia(owner.cookie);

    // A state-changing call a token may make (not minting tokens: that needs a session, 403 session_required).
    const viaToken = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { ...bearer(token), origin: EVIL, 'sec-fetch-site': 'cross-site' },
      payload: { locale: 'fr' },
    });
    expect(viaToken.statusCode, viaToken.body).toBe(200);
    expect(viaToken.json<{ user: { locale: string } }>().user.locale).toBe('fr');

    const viaCookie = await request(t, owner.cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: { origin: EVIL },
      payload: { name: 'forged' },
    });
    expectError(viaCookie, 403, 'cross_site_request');

    // A made-up Authorization header does not let a cross-site request ride on the cookie.
    const riding = await request(t, owner.cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: { origin: EVIL, authorization: 'Bearer ghk_made_up' },
      payload: { name: 'forged too' },
    });
    expectError(riding, 401, 'unauthenticated');

    const names = (await request(t, owner.cookie, { method: 'GET', url: '/api/v1/me/tokens' }))
      .json<{ items: TokenInfo[] }>()
      .items.map((i) => i.name)
      .sort();
    expect(names).toEqual(['ci deploy']);
  });

  it('SEC-SES-06 / SEC-TOK-01: sign out everywhere (admin) ends the API tokens too, and says how many', async () => {
    const owner = await signedIn(t, 'member');
    const bystander = await signedIn(t, 'member');
    const a = await createVia(owner.cookie, { name: 'a' });
    const b = await createVia(owner.cookie, { name: 'b' });
    const kept = await createVia(bystander.cookie, { name: 'kept' });

    const res = await request(t, root.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${owner.id}/sessions`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ sessionsEnded: 1, tokensRevoked: 2 });
    for (const { token } of [a, b]) expectError(await ownList(token), 401, 'unauthenticated');
    expectError(await request(t, owner.cookie, { method: 'GET', url: '/api/v1/me' }), 401, 'unauthenticated');
    expect(
      await t.db.db.selectFrom('apiTokens').select('id').where('userId', '=', owner.id).execute(),
    ).toEqual([]);
    // Only that user's: another user's token keeps working.
    expect((await ownList(kept.token)).statusCode).toBe(200);
    const event = await t.db.db
      .selectFrom('auditEvents')
      .select('details')
      .where('action', '=', 'user.sessions_revoked')
      .where('targetId', '=', owner.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toEqual({ sessionsEnded: 1, tokensRevoked: 2 });
  });

  it("SEC-SES-06 / SEC-TOK-01: changing one's own password revokes every API token; the new session works", async () => {
    const owner = await signedIn(t, 'member');
    const a = await createVia(owner.cookie, { name: 'a' });
    const b = await createVia(owner.cookie, { name: 'b' });
    const changed = await request(t, owner.cookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: STRONG_PASSWORD, newPassword: 'violet harbour lanterns drift' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    for (const { token } of [a, b]) expectError(await ownList(token), 401, 'unauthenticated');
    expect(
      await t.db.db.selectFrom('apiTokens').select('id').where('userId', '=', owner.id).execute(),
    ).toEqual([]);
    const event = await t.db.db
      .selectFrom('auditEvents')
      .select('details')
      .where('action', '=', 'user.password_changed')
      .where('targetId', '=', owner.id)
      .where('outcome', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ tokensRevoked: 2 });
  });

  it('SEC-TOK-01: a token can neither mint tokens nor change the password (403 session_required); nothing changes', async () => {
    const owner = await signedIn(t, 'member');
    const { token, info } = await createVia(owner.cookie);
    const stolen = { ...bearer(token), 'content-type': 'application/json' };
    const mint = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: stolen,
      payload: { name: 'persistence' },
    });
    expectError(mint, 403, 'session_required');
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: stolen,
      payload: { currentPassword: STRONG_PASSWORD, newPassword: 'violet harbour lanterns drift' },
    });
    expectError(change, 403, 'session_required');
    expect(change.headers['set-cookie']).toBeUndefined();
    // Nothing changed: still one token, the old password still signs in, the token still reads.
    const rows = await t.db.db.selectFrom('apiTokens').select('id').where('userId', '=', owner.id).execute();
    expect(rows).toEqual([{ id: info.id }]);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: owner.email, password: STRONG_PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
    expect((await ownList(token)).statusCode).toBe(200);
    // Revoking its own kind stays possible with a token (that only takes access away).
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/tokens/${info.id}`,
      headers: bearer(token),
    });
    expect(revoke.statusCode, revoke.body).toBe(204);
    // The same calls with the session cookie work.
    expect((await createVia(owner.cookie, { name: 'from the console' })).info.name).toBe('from the console');
  });

  it('SEC-TOK-01: tokens are not sessions: signing in again or signing out leaves them working', async () => {
    const owner = await signedIn(t, 'member');
    const { token } = await createVia(owner.cookie);
    // Signing in again, or signing out, leaves tokens alone: they are not sessions.
    await signIn(t, owner.email, STRONG_PASSWORD);
    const out = await request(t, owner.cookie, { method: 'POST', url: '/api/v1/auth/sign-out' });
    expect(out.statusCode).toBeLessThan(300);
    expect((await ownList(token)).statusCode).toBe(200);
  });
});
