import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';

/*
 * Manage users' one list (issue 14 item 6): GET /api/v1/people gives users and pending invitations in
 * one keyset order; POST /api/v1/people/bulk resends, revokes, changes roles and deactivates, each
 * item on its own. Through the real app, on both dialects.
 */

interface PersonJson {
  kind: 'user' | 'invitation';
  user?: {
    id: string;
    name: string;
    email: string;
    createdAt: string;
    lastSignInAt: string | null;
    role: string;
  };
  invitation?: { id: string; name: string | null; email: string; createdAt: string; role: string };
}
interface PageJson {
  items: PersonJson[];
  nextCursor: string | null;
  total: { users: number; invited: number };
}

const code = (res: LightMyRequestResponse) => (res.json() as { error?: { code?: string } }).error?.code;
const idOf = (p: PersonJson) => (p.kind === 'user' ? p.user?.id : p.invitation?.id) ?? '';

/*
 * Letters-only names and equal-length, lower-case emails, so the expected order computed here is the
 * same under any database collation. Names repeat across users and invitations, and everyone is
 * created in the same millisecond, so ties on the sort value (broken by kind, then id) are everywhere.
 */
const NAMES = ['alpha', 'bravo', 'charlie', 'delta'];

async function world() {
  const t = await buildTestApp();
  const admin = await seedUser(t, { email: 'aaadmin00@people.test', name: 'zulu', role: 'admin' });
  const cookie = await signIn(t, admin.email, admin.password);
  const users = [admin.id];
  for (let i = 0; i < 9; i += 1) {
    const name = NAMES[i % NAMES.length] ?? 'x';
    const user = await seedUser(t, {
      email: `user${String(i).padStart(5, '0')}@people.test`,
      name,
      role: i % 3 === 0 ? 'viewer' : 'member',
    });
    users.push(user.id);
  }
  const invitations: string[] = [];
  for (let i = 0; i < 8; i += 1) {
    const res = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: {
        email: `invi${String(i).padStart(5, '0')}@people.test`,
        role: i % 2 === 0 ? 'member' : 'viewer',
        // Half without a name: they sort by their email.
        ...(i % 2 === 0 ? { name: NAMES[i % NAMES.length] } : {}),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    invitations.push((res.json() as { invitation: { id: string } }).invitation.id);
  }
  return { t, admin, cookie, users, invitations };
}

async function page(t: TestApp, cookie: string, query: string): Promise<PageJson> {
  const res = await request(t, cookie, { method: 'GET', url: `/api/v1/people?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as PageJson;
}

function sortValue(p: PersonJson, sort: string): string | number {
  if (p.kind === 'user' && p.user) {
    const u = p.user;
    if (sort === 'name') return u.name.toLowerCase();
    if (sort === 'email') return u.email;
    if (sort === 'createdAt') return Date.parse(u.createdAt);
    return u.lastSignInAt ? Date.parse(u.lastSignInAt) : 0;
  }
  const i = p.invitation;
  if (!i) throw new Error('no invitation');
  if (sort === 'name') return (i.name ?? i.email).toLowerCase();
  if (sort === 'email') return i.email;
  if (sort === 'createdAt') return Date.parse(i.createdAt);
  return 0;
}

describe('GET /api/v1/people: users and invited people in one list', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });

  it('counts users and invited people apart ("10 users, 8 invited")', async () => {
    const all = await page(w.t, w.cookie, 'limit=100');
    expect(all.total).toEqual({ users: 10, invited: 8 });
    expect(all.items).toHaveLength(18);
    expect(all.items.filter((p) => p.kind === 'invitation')).toHaveLength(8);
  });

  for (const sort of ['name', 'email', 'createdAt', 'lastSignInAt'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`pages of 4 sorted by ${sort} ${order}: every person exactly once, in order (no duplicate, no gap)`, async () => {
        const seen: PersonJson[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const p: PageJson = await page(
            w.t,
            w.cookie,
            `sort=${sort}&order=${order}&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          seen.push(...p.items);
          cursor = p.nextCursor;
          pages += 1;
        } while (cursor && pages < 20);
        const ids = seen.map(idOf);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(new Set([...w.users, ...w.invitations]));
        const dir = order === 'asc' ? 1 : -1;
        const expected = [...seen].sort((a, b) => {
          const x = sortValue(a, sort);
          const y = sortValue(b, sort);
          if (x !== y) return (x < y ? -1 : 1) * dir;
          if (a.kind !== b.kind) return (a.kind < b.kind ? -1 : 1) * dir;
          return (idOf(a) < idOf(b) ? -1 : 1) * dir;
        });
        expect(ids).toEqual(expected.map(idOf));
      });
    }
  }

  it('filters: invited only, a user status, the two-step filter, role and search apply to both kinds', async () => {
    const invited = await page(w.t, w.cookie, 'status=invited&limit=100');
    expect(invited.total).toEqual({ users: 0, invited: 8 });
    expect(invited.items.every((p) => p.kind === 'invitation')).toBe(true);

    const active = await page(w.t, w.cookie, 'status=active&limit=100');
    expect(active.total).toEqual({ users: 10, invited: 0 });
    expect(active.items.every((p) => p.kind === 'user')).toBe(true);

    const withoutMfa = await page(w.t, w.cookie, 'mfa=disabled&limit=100');
    expect(withoutMfa.total).toEqual({ users: 10, invited: 0 });

    const viewers = await page(w.t, w.cookie, 'role=viewer&limit=100');
    expect(viewers.total).toEqual({ users: 3, invited: 4 });
    expect(viewers.items.every((p) => (p.user ?? p.invitation)?.role === 'viewer')).toBe(true);

    const bravo = await page(w.t, w.cookie, 'q=BRAV&limit=100');
    expect(bravo.items.map((p) => p.user?.name ?? p.invitation?.name)).toEqual(
      expect.arrayContaining(['bravo']),
    );
    expect(bravo.items.every((p) => (p.user?.name ?? p.invitation?.name) === 'bravo')).toBe(true);
    expect(bravo.total.users).toBeGreaterThan(0);
  });

  it('a revoked invitation leaves the list, and so does one past its expiry', async () => {
    const id = w.invitations[7] ?? '';
    const res = await request(w.t, w.cookie, { method: 'DELETE', url: `/api/v1/invitations/${id}` });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const after = await page(w.t, w.cookie, 'status=invited&limit=100');
    expect(after.total.invited).toBe(7);
    expect(after.items.map(idOf)).not.toContain(id);
    w.invitations = w.invitations.filter((x) => x !== id);
    // 72 h later every invitation has expired: only the users are left.
    w.t.clock.advance(73 * 3_600_000);
    w.cookie = await signIn(w.t, w.admin.email, w.admin.password);
    const later = await page(w.t, w.cookie, 'limit=100');
    expect(later.total).toEqual({ users: 10, invited: 0 });
    expect(later.items.every((p) => p.kind === 'user')).toBe(true);
  });

  it('a cursor from another ordering, or a forged one, is 400 invalid_cursor', async () => {
    const first = await page(w.t, w.cookie, 'sort=name&limit=2');
    const cursor = encodeURIComponent(first.nextCursor ?? '');
    for (const url of [
      `/api/v1/people?sort=email&limit=2&cursor=${cursor}`,
      `/api/v1/people?sort=name&order=desc&limit=2&cursor=${cursor}`,
      `/api/v1/people?sort=createdAt&limit=2&cursor=${cursor}`,
      `/api/v1/people?cursor=${Buffer.from('{"s":"name","o":"asc","v":1,"k":"x","i":"a"}').toString('base64url')}`,
      '/api/v1/people?cursor=%E2%9C%93',
    ]) {
      const res = await request(w.t, w.cookie, { method: 'GET', url });
      expect(`${res.statusCode} ${code(res)}`, url).toBe('400 invalid_cursor');
    }
  });

  it('bad query parameters are 400 validation_failed naming the parameter', async () => {
    for (const query of ['sort=password', 'order=up', 'status=gone', 'limit=0', 'limit=101', 'extra=1']) {
      const res = await request(w.t, w.cookie, { method: 'GET', url: `/api/v1/people?${query}` });
      expect(`${res.statusCode} ${code(res)}`, query).toBe('400 validation_failed');
    }
  });
});

describe('POST /api/v1/people/bulk: each item on its own', () => {
  it('deactivates the chosen users and refuses yourself, reporting each refusal with its code', async () => {
    const w = await world();
    const [, a, b] = w.users;
    const res = await request(w.t, w.cookie, {
      method: 'POST',
      url: '/api/v1/people/bulk',
      payload: { action: 'deactivate', ids: [a, b, w.admin.id, 'no-such-id', w.invitations[0]] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { succeeded: string[]; refused: { id: string; code: string }[] };
    expect(body.succeeded).toEqual([a, b]);
    expect(body.refused.map((r) => [r.id, r.code])).toEqual([
      [w.admin.id, 'cannot_deactivate_self'],
      ['no-such-id', 'user_not_found'],
      [w.invitations[0], 'wrong_kind'],
    ]);
    const deactivated = await page(w.t, w.cookie, 'status=deactivated&limit=100');
    expect(deactivated.items.map(idOf).sort()).toEqual([a, b].sort());
    // Audited per item, as the single action is.
    const events = await w.t.db.db
      .selectFrom('auditEvents')
      .select(['action', 'targetId'])
      .where('action', '=', 'user.deactivated')
      .execute();
    expect(events.map((e) => e.targetId).sort()).toEqual([a, b].sort());
  });

  it('SEC-AZ-04: the last active admin cannot be demoted through a bulk role change; the others change', async () => {
    const w = await world();
    const [, a] = w.users;
    const res = await request(w.t, w.cookie, {
      method: 'POST',
      url: '/api/v1/people/bulk',
      payload: { action: 'role', role: 'viewer', ids: [a, w.admin.id] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { succeeded: string[]; refused: { id: string; code: string }[] };
    expect(body.succeeded).toEqual([a]);
    expect(body.refused).toEqual([expect.objectContaining({ id: w.admin.id, code: 'last_admin' })]);
    const admin = await request(w.t, w.cookie, { method: 'GET', url: `/api/v1/users/${w.admin.id}` });
    expect(admin.json().role).toBe('admin');
    const changed = await request(w.t, w.cookie, { method: 'GET', url: `/api/v1/users/${a}` });
    expect(changed.json().role).toBe('viewer');
  });

  it('SEC-MFA-07: a bulk action on another admin needs a recent authentication; that item alone is refused', async () => {
    const w = await world();
    const other = await seedUser(w.t, { role: 'admin' });
    const [, a] = w.users;
    w.t.clock.advance(11 * 60_000);
    const res = await request(w.t, w.cookie, {
      method: 'POST',
      url: '/api/v1/people/bulk',
      payload: { action: 'deactivate', ids: [other.id, a] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { succeeded: string[]; refused: { id: string; code: string }[] };
    expect(body.succeeded).toEqual([a]);
    expect(body.refused).toEqual([
      expect.objectContaining({ id: other.id, code: 'reauthentication_required' }),
    ]);
    const still = await request(w.t, w.cookie, { method: 'GET', url: `/api/v1/users/${other.id}` });
    expect(still.json().status).toBe('active');
  });

  it('resends and revokes invitations; one no longer pending is refused with invitation_not_pending', async () => {
    const w = await world();
    const [first, second, third] = w.invitations;
    const revoked = await request(w.t, w.cookie, {
      method: 'POST',
      url: '/api/v1/people/bulk',
      payload: { action: 'revoke', ids: [first, second] },
    });
    expect(revoked.json()).toEqual({ succeeded: [first, second], refused: [] });
    const before = await w.t.db.db.selectFrom('mailOutbox').select('id').execute();
    const resent = await request(w.t, w.cookie, {
      method: 'POST',
      url: '/api/v1/people/bulk',
      payload: { action: 'resend', ids: [first, third, w.users[1]] },
    });
    const body = resent.json() as { succeeded: string[]; refused: { id: string; code: string }[] };
    expect(body.succeeded).toEqual([third]);
    expect(body.refused.map((r) => [r.id, r.code])).toEqual([
      [first, 'invitation_not_pending'],
      [w.users[1], 'wrong_kind'],
    ]);
    const after = await w.t.db.db.selectFrom('mailOutbox').select('id').execute();
    expect(after.length).toBe(before.length + 1);
    const listed = await page(w.t, w.cookie, 'status=invited&limit=100');
    expect(listed.total.invited).toBe(6);
  });

  it('bad input is a 400 with a code naming the field, and changes nothing', async () => {
    const w = await world();
    const tooMany = Array.from({ length: 501 }, (_, i) => `id-${i}`);
    tooMany[0] = w.users[1] ?? '';
    const cases: [unknown, string][] = [
      [{ action: 'deactivate', ids: tooMany }, 'ids_too_many'],
      [{ action: 'deactivate', ids: [] }, 'ids_empty'],
      [{ action: 'role', ids: [w.users[1]] }, 'validation_failed'],
      [{ action: 'role', role: 'owner', ids: [w.users[1]] }, 'validation_failed'],
      [{ action: 'delete', ids: [w.users[1]] }, 'validation_failed'],
      [{ action: 'deactivate', ids: [w.users[1]], extra: true }, 'validation_failed'],
      [{ action: 'deactivate', ids: [''] }, 'validation_failed'],
    ];
    for (const [payload, expected] of cases) {
      const res = await request(w.t, w.cookie, {
        method: 'POST',
        url: '/api/v1/people/bulk',
        payload: payload as object,
      });
      expect(`${res.statusCode} ${code(res)}`, JSON.stringify(payload).slice(0, 80)).toBe(`400 ${expected}`);
    }
    const ids = (
      await request(w.t, w.cookie, {
        method: 'POST',
        url: '/api/v1/people/bulk',
        payload: { action: 'deactivate', ids: tooMany },
      })
    ).json();
    expect(ids.error.message).toMatch(/^ids:/);
    const user = await request(w.t, w.cookie, { method: 'GET', url: `/api/v1/users/${w.users[1]}` });
    expect(user.json().status).toBe('active');
  });

  it('SEC-AZ-01: members, viewers and anonymous callers get no list and no bulk action', async () => {
    const w = await world();
    for (const role of ['member', 'viewer'] as const) {
      const user = await seedUser(w.t, { role });
      const cookie = await signIn(w.t, user.email, user.password);
      const list = await request(w.t, cookie, { method: 'GET', url: '/api/v1/people' });
      expect(`${list.statusCode} ${code(list)}`).toBe('403 forbidden');
      const bulk = await request(w.t, cookie, {
        method: 'POST',
        url: '/api/v1/people/bulk',
        payload: { action: 'deactivate', ids: [w.users[1]] },
      });
      expect(`${bulk.statusCode} ${code(bulk)}`).toBe('403 forbidden');
    }
    const anonymous = await request(w.t, null, { method: 'GET', url: '/api/v1/people' });
    expect(anonymous.statusCode).toBe(401);
    const user = await request(w.t, w.cookie, { method: 'GET', url: `/api/v1/users/${w.users[1]}` });
    expect(user.json().status).toBe('active');
  });
});
