import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  buildTwoNodes,
  request,
  seedUser,
  sessionCookieOf,
  signedIn,
  signIn,
  type TestApp,
} from '../harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The raw Set-Cookie line of the session cookie (not the clearing one). */
function setCookieLine(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const line = all.find((c) => c.includes('gatehouse_session=') && !c.includes('gatehouse_session=;'));
  if (!line) throw new Error(`no session cookie in ${res.statusCode}: ${res.body}`);
  return line;
}

/** `name=value` → [name, value]. */
function split(cookie: string): [string, string] {
  const at = cookie.indexOf('=');
  return [cookie.slice(0, at), cookie.slice(at + 1)];
}

function attributes(line: string): string[] {
  return line
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());
}

const me = (t: TestApp, cookie: string) => request(t, cookie, { method: 'GET', url: '/api/v1/me' });

async function eventsOf(t: TestApp, action: string, targetId: string) {
  return t.db.db
    .selectFrom('auditEvents')
    .selectAll()
    .where('action', '=', action)
    .where('targetId', '=', targetId)
    .orderBy('id')
    .execute();
}

describe('sessions', () => {
  /** One app with the default configuration for most tests: every test signs in its own users. */
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });

  it('SEC-SES-01: the cookie holds 256 random bits (base64url) and only their SHA-256 is stored', async () => {
    const user = await seedUser(t);
    const [, secret] = split(await signIn(t, user.email, user.password));

    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(Buffer.from(secret, 'base64url').toString('base64url')).toBe(secret);

    const rows = await t.db.db.selectFrom('sessions').selectAll().where('userId', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(createHash('sha256').update(secret).digest('hex'));

    // No column of any row of the sessions table (nor any other table) holds the secret.
    for (const table of ['sessions', 'users', 'audit_events', 'setup_tokens']) {
      const all = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.db.db);
      expect(JSON.stringify(all.rows)).not.toContain(secret);
    }
  });

  describe('SEC-SES-02: cookie flags', () => {
    for (const publicUrl of ['http://localhost:8080', 'https://auth.example.test']) {
      it(`SEC-SES-02: __Host- prefixed, HttpOnly, Secure, SameSite=Lax, Path=/ for ${publicUrl}`, async () => {
        const t = await buildTestApp({ env: { PUBLIC_URL: publicUrl } });
        const user = await seedUser(t);
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: user.email, password: user.password },
        });
        expect(res.statusCode).toBe(200);
        const line = setCookieLine(res);
        expect(split(line.split(';')[0] ?? '')[0]).toBe('__Host-gatehouse_session');
        const attrs = attributes(line);
        expect(attrs).toContain('httponly');
        expect(attrs).toContain('secure');
        expect(attrs).toContain('samesite=lax');
        expect(attrs).toContain('path=/');
        // `__Host-` cookies must not carry a Domain attribute.
        expect(attrs.some((a) => a.startsWith('domain='))).toBe(false);
        // And the cookie works under that name.
        expect((await me(t, sessionCookieOf(res))).statusCode).toBe(200);
      });
    }

    it('SEC-SES-02: on plain http (not localhost) the cookie is gatehouse_session without Secure', async () => {
      // Browsers drop a Secure cookie set over plain http (and `__Host-` requires Secure), so a deployment
      // on http://gatehouse.internal would never get its cookie back. Such a deployment is insecure by
      // choice of the operator; HttpOnly, SameSite=Lax and Path=/ still apply.
      const t = await buildTestApp({ env: { PUBLIC_URL: 'http://gatehouse.internal' } });
      const user = await seedUser(t);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: user.email, password: user.password },
      });
      expect(res.statusCode).toBe(200);
      const line = setCookieLine(res);
      expect(split(line.split(';')[0] ?? '')[0]).toBe('gatehouse_session');
      const attrs = attributes(line);
      expect(attrs).not.toContain('secure');
      expect(attrs).toContain('httponly');
      expect(attrs).toContain('samesite=lax');
      expect(attrs).toContain('path=/');
      expect((await me(t, sessionCookieOf(res))).statusCode).toBe(200);
    });

    it('SEC-SES-02: responses with user data send Cache-Control: no-store', async () => {
      const admin = await signedIn(t, 'admin');
      const signInRes = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: admin.email, password: admin.password },
      });
      for (const res of [
        signInRes,
        await me(t, admin.cookie),
        await request(t, admin.cookie, { method: 'GET', url: '/api/v1/users' }),
        await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users/${admin.id}` }),
        await request(t, admin.cookie, { method: 'GET', url: '/api/v1/me/sessions' }),
        await request(t, admin.cookie, { method: 'GET', url: '/api/v1/audit-events' }),
      ]) {
        expect(res.statusCode).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });
  });

  it('SEC-SES-03: every sign-in gets a new id; a planted cookie is never adopted', async () => {
    const user = await seedUser(t);
    const first = await signIn(t, user.email, user.password);
    const second = await signIn(t, user.email, user.password);
    expect(second).not.toBe(first);
    expect((await me(t, first)).statusCode).toBe(200);
    expect((await me(t, second)).statusCode).toBe(200);

    // An attacker plants a well-formed cookie value of their choosing in the victim's browser.
    const [name] = split(first);
    const planted = `${name}=${randomBytes(32).toString('base64url')}`;
    const rejected = await me(t, planted);
    expect(rejected.statusCode).toBe(401);
    expect(rejected.json()).toMatchObject({ error: { code: 'unauthenticated' } });

    // The victim signs in while sending the planted cookie: the server issues its own id.
    const res = await request(t, planted, {
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: user.password },
    });
    expect(res.statusCode).toBe(200);
    const issued = sessionCookieOf(res);
    expect(issued).not.toBe(planted);
    expect((await me(t, issued)).statusCode).toBe(200);
    expect((await me(t, planted)).statusCode).toBe(401);
    expect(
      await t.db.db.selectFrom('sessions').select('id').where('userId', '=', user.id).execute(),
    ).toHaveLength(3);
  });

  it('SEC-SES-04: role changes apply at the next request of an existing session', async () => {
    const boss = await signedIn(t, 'admin');
    const demoted = await signedIn(t, 'admin');
    const promoted = await signedIn(t, 'member');
    const users = (cookie: string) => request(t, cookie, { method: 'GET', url: '/api/v1/users' });

    expect((await users(demoted.cookie)).statusCode).toBe(200);
    expect((await users(promoted.cookie)).statusCode).toBe(403);

    const patch = (id: string, role: string) =>
      request(t, boss.cookie, { method: 'PATCH', url: `/api/v1/users/${id}`, payload: { role } });
    expect((await patch(demoted.id, 'member')).statusCode).toBe(200);
    expect((await patch(promoted.id, 'admin')).statusCode).toBe(200);

    const denied = await users(demoted.cookie);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: { code: 'forbidden' } });
    // Still signed in, only with less power.
    expect((await me(t, demoted.cookie)).json().user.role).toBe('member');

    expect((await users(promoted.cookie)).statusCode).toBe(200);
  });

  describe('SEC-SES-05: idle and absolute expiry, enforced by the server', () => {
    it('SEC-SES-05: 29 idle minutes are fine, 31 are not', async () => {
      const user = await seedUser(t);
      const cookie = await signIn(t, user.email, user.password);
      expect((await me(t, cookie)).statusCode).toBe(200);
      t.clock.advance(29 * MINUTE);
      expect((await me(t, cookie)).statusCode).toBe(200);
      t.clock.advance(31 * MINUTE);
      const res = await me(t, cookie);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
      // Expired means gone: coming back later, or the row itself, does not revive it.
      expect(
        await t.db.db.selectFrom('sessions').select('id').where('userId', '=', user.id).execute(),
      ).toEqual([]);
      t.clock.advance(1 * MINUTE);
      expect((await me(t, cookie)).statusCode).toBe(401);
    });

    it('SEC-SES-05: activity keeps a session alive (a request every 20 minutes for 2 hours)', async () => {
      const user = await seedUser(t);
      const cookie = await signIn(t, user.email, user.password);
      for (let minutes = 20; minutes <= 120; minutes += 20) {
        t.clock.advance(20 * MINUTE);
        expect((await me(t, cookie)).statusCode, `after ${minutes} min`).toBe(200);
      }
      // Last-seen is written at most once a minute: a request 30 s later does not move the idle end.
      t.clock.advance(30_000);
      expect((await me(t, cookie)).statusCode).toBe(200);
      t.clock.advance(30 * MINUTE - 30_000);
      expect((await me(t, cookie)).statusCode).toBe(401);
    });

    it('SEC-SES-05: the absolute lifetime of 12 hours ends even an always-active session', async () => {
      const user = await seedUser(t);
      const cookie = await signIn(t, user.email, user.password);
      let elapsed = 0;
      while (elapsed + 20 * MINUTE < 12 * HOUR) {
        t.clock.advance(20 * MINUTE);
        elapsed += 20 * MINUTE;
        expect((await me(t, cookie)).statusCode, `after ${elapsed / MINUTE} min`).toBe(200);
      }
      t.clock.advance(12 * HOUR - MINUTE - elapsed);
      expect((await me(t, cookie)).statusCode, 'at 11 h 59 min').toBe(200);
      t.clock.advance(MINUTE);
      expect((await me(t, cookie)).statusCode, 'at 12 h').toBe(401);
      // A fresh sign-in works as usual.
      expect((await me(t, await signIn(t, user.email, user.password))).statusCode).toBe(200);
    });

    it('SEC-SES-05: SESSION_IDLE_MINUTES and SESSION_ABSOLUTE_HOURS configure both limits', async () => {
      const t = await buildTestApp({ env: { SESSION_IDLE_MINUTES: '5', SESSION_ABSOLUTE_HOURS: '1' } });
      const user = await seedUser(t);

      const idle = await signIn(t, user.email, user.password);
      t.clock.advance(4 * MINUTE);
      expect((await me(t, idle)).statusCode).toBe(200);
      t.clock.advance(5 * MINUTE);
      expect((await me(t, idle)).statusCode).toBe(401);

      const busy = await signIn(t, user.email, user.password);
      for (let minutes = 4; minutes < 60; minutes += 4) {
        t.clock.advance(4 * MINUTE);
        expect((await me(t, busy)).statusCode, `after ${minutes} min`).toBe(200);
      }
      t.clock.advance(4 * MINUTE);
      expect((await me(t, busy)).statusCode, 'after 64 min').toBe(401);
    });
  });

  describe('SEC-SES-06: sign-out, deactivation and password reset take effect at once', () => {
    it('SEC-SES-06: on one node', async () => {
      const admin = await signedIn(t, 'admin');

      const leaving = await signedIn(t, 'member');
      const out = await request(t, leaving.cookie, { method: 'POST', url: '/api/v1/auth/sign-out' });
      expect(out.statusCode).toBe(204);
      expect((await me(t, leaving.cookie)).statusCode).toBe(401);

      const deactivated = await signedIn(t, 'member');
      const deactivate = await request(t, admin.cookie, {
        method: 'POST',
        url: `/api/v1/users/${deactivated.id}/deactivate`,
      });
      expect(deactivate.statusCode).toBe(200);
      expect((await me(t, deactivated.cookie)).statusCode).toBe(401);
      // Activating again does not bring the old session back.
      await request(t, admin.cookie, { method: 'POST', url: `/api/v1/users/${deactivated.id}/activate` });
      expect((await me(t, deactivated.cookie)).statusCode).toBe(401);

      const reset = await signedIn(t, 'member');
      const second = await signIn(t, reset.email, reset.password);
      const res = await request(t, admin.cookie, {
        method: 'POST',
        url: `/api/v1/users/${reset.id}/password`,
        payload: { generate: true },
      });
      expect(res.statusCode).toBe(200);
      expect((await me(t, reset.cookie)).statusCode).toBe(401);
      expect((await me(t, second)).statusCode).toBe(401);
      expect((await me(t, admin.cookie)).statusCode).toBe(200);
    });

    it('SEC-SES-06: on every node (two app instances on one database)', async () => {
      const [a, b] = await buildTwoNodes();
      const admin = await seedUser(a, { role: 'admin' });
      const adminOnB = await signIn(b, admin.email, admin.password);

      // Sign in on A, sign out on B: A refuses the cookie at its next request.
      const user = await seedUser(a);
      const cookie = await signIn(a, user.email, user.password);
      expect((await me(a, cookie)).statusCode).toBe(200);
      expect((await me(b, cookie)).statusCode).toBe(200);
      expect((await request(b, cookie, { method: 'POST', url: '/api/v1/auth/sign-out' })).statusCode).toBe(
        204,
      );
      expect((await me(a, cookie)).statusCode).toBe(401);

      // Deactivated through B: A refuses the user's session.
      const again = await signIn(a, user.email, user.password);
      expect((await me(a, again)).statusCode).toBe(200);
      const deactivate = await request(b, adminOnB, {
        method: 'POST',
        url: `/api/v1/users/${user.id}/deactivate`,
      });
      expect(deactivate.statusCode).toBe(200);
      expect((await me(a, again)).statusCode).toBe(401);
      await request(b, adminOnB, { method: 'POST', url: `/api/v1/users/${user.id}/activate` });
      // The session is gone, not merely suspended: activation does not revive it.
      expect((await me(a, again)).statusCode).toBe(401);

      // Password reset through B: A refuses the user's session.
      const third = await signIn(a, user.email, user.password);
      expect((await me(a, third)).statusCode).toBe(200);
      const reset = await request(b, adminOnB, {
        method: 'POST',
        url: `/api/v1/users/${user.id}/password`,
        payload: { generate: true },
      });
      expect(reset.statusCode).toBe(200);
      expect((await me(a, third)).statusCode).toBe(401);

      // The admin's own session, used on B, is valid on A too.
      expect((await me(a, adminOnB)).statusCode).toBe(200);
    });
  });

  describe('SEC-SES-07: listing and revoking sessions', () => {
    it('SEC-SES-07: users list their own sessions and end one of them', async () => {
      const user = await seedUser(t);
      const signInWith = async (userAgent: string) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          headers: { 'user-agent': userAgent },
          payload: { email: user.email, password: user.password },
        });
        return sessionCookieOf(res);
      };
      const laptop = await signInWith('Laptop Browser/1.0');
      t.clock.advance(2 * MINUTE);
      const phone = await signInWith('Phone Browser/2.0');

      const list = await request(t, laptop, { method: 'GET', url: '/api/v1/me/sessions' });
      expect(list.statusCode).toBe(200);
      const items = list.json().items as Array<Record<string, unknown>>;
      expect(items).toHaveLength(2);
      const current = items.find((s) => s.current === true);
      const other = items.find((s) => s.current === false);
      expect(current).toMatchObject({ userAgent: 'Laptop Browser/1.0', ip: '127.0.0.1' });
      expect(other).toMatchObject({ userAgent: 'Phone Browser/2.0', ip: '127.0.0.1' });
      for (const s of items) {
        expect(Object.keys(s).sort()).toEqual(
          ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent'].sort(),
        );
        expect(new Date(String(s.createdAt)).toISOString()).toBe(s.createdAt);
      }
      // From the phone, the phone's session is the current one.
      const fromPhone = await request(t, phone, { method: 'GET', url: '/api/v1/me/sessions' });
      expect(fromPhone.json().items.find((s: { current: boolean }) => s.current).id).toBe(other?.id);

      const del = await request(t, laptop, {
        method: 'DELETE',
        url: `/api/v1/me/sessions/${String(other?.id)}`,
      });
      expect(del.statusCode).toBe(204);
      expect((await me(t, phone)).statusCode).toBe(401);
      expect((await me(t, laptop)).statusCode).toBe(200);

      const events = await eventsOf(t, 'session.revoked', user.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: user.id, targetId: user.id, outcome: 'success' });
      expect(JSON.parse(events[0]?.details ?? '{}')).toEqual({ sessionId: other?.id });

      // Ending it again: it is gone.
      const again = await request(t, laptop, {
        method: 'DELETE',
        url: `/api/v1/me/sessions/${String(other?.id)}`,
      });
      expect(again.statusCode).toBe(404);

      // Ending the current session signs this browser out: the cookie is cleared and no longer works.
      const self = await request(t, laptop, {
        method: 'DELETE',
        url: `/api/v1/me/sessions/${String(current?.id)}`,
      });
      expect(self.statusCode).toBe(204);
      const cleared = ([] as string[]).concat(self.headers['set-cookie'] ?? []);
      expect(cleared.some((c) => c.startsWith(`${split(laptop)[0]}=;`))).toBe(true);
      expect((await me(t, laptop)).statusCode).toBe(401);
      expect(await eventsOf(t, 'session.revoked', user.id)).toHaveLength(2);
    });

    it("SEC-SES-07: another user's session id is not found, and that session keeps working", async () => {
      const mallory = await signedIn(t, 'member');
      const victim = await signedIn(t, 'member');
      const [victimSession] = await t.db.db
        .selectFrom('sessions')
        .select('id')
        .where('userId', '=', victim.id)
        .execute();
      expect(victimSession).toBeDefined();

      const res = await request(t, mallory.cookie, {
        method: 'DELETE',
        url: `/api/v1/me/sessions/${String(victimSession?.id)}`,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
      expect((await me(t, victim.cookie)).statusCode).toBe(200);
      expect(await eventsOf(t, 'session.revoked', victim.id)).toEqual([]);
    });

    it("SEC-SES-07: an admin ends all of a user's sessions", async () => {
      const admin = await signedIn(t, 'admin');
      const user = await signedIn(t, 'member');
      const second = await signIn(t, user.email, user.password);
      const bystander = await signedIn(t, 'member');

      const res = await request(t, admin.cookie, {
        method: 'DELETE',
        url: `/api/v1/users/${user.id}/sessions`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ sessionsEnded: 2, tokensRevoked: 0 });
      expect((await me(t, user.cookie)).statusCode).toBe(401);
      expect((await me(t, second)).statusCode).toBe(401);
      expect((await me(t, bystander.cookie)).statusCode).toBe(200);
      expect((await me(t, admin.cookie)).statusCode).toBe(200);

      const events = await eventsOf(t, 'user.sessions_revoked', user.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: admin.id, targetId: user.id, outcome: 'success' });
      expect(JSON.parse(events[0]?.details ?? '{}')).toEqual({ sessionsEnded: 2, tokensRevoked: 0 });

      // A member may not do it to anyone.
      const denied = await request(t, bystander.cookie, {
        method: 'DELETE',
        url: `/api/v1/users/${admin.id}/sessions`,
      });
      expect(denied.statusCode).toBe(403);
      expect((await me(t, admin.cookie)).statusCode).toBe(200);
    });
  });
});
