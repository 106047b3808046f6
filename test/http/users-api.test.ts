import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
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
 * The Manage users API of issue 2 (item 8): GET /api/v1/users with q, role, status, sort, order,
 * limit and an opaque keyset cursor; POST /api/v1/users; GET/PATCH /api/v1/users/:id; deactivate and
 * activate; DELETE /api/v1/users/:id/sessions.
 */

type Role = 'admin' | 'member' | 'viewer';
type Status = 'active' | 'deactivated';
type Sort = 'name' | 'email' | 'createdAt' | 'lastSignInAt';

interface ApiUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: Status;
  passwordChangeRequired: boolean;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string | null;
}

interface Page {
  items: ApiUser[];
  nextCursor: string | null;
  total: number;
}

/** What the test itself knows about each user: the oracle for order and filters. */
interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: Status;
  createdAt: number;
  /** 0 = never signed in. */
  lastSignInAt: number;
}

const SORTS: Sort[] = ['name', 'email', 'createdAt', 'lastSignInAt'];
const ORDERS = ['asc', 'desc'] as const;
const MINUTE = 60_000;

function errorCode(res: LightMyRequestResponse): string {
  return (res.json() as { error: { code: string } }).error.code;
}

function sortKey(p: Person, sort: Sort): string | number {
  return { name: p.name.toLowerCase(), email: p.email, createdAt: p.createdAt, lastSignInAt: p.lastSignInAt }[
    sort
  ];
}

/** The documented order: the sort value, ties broken by id, both in the requested direction. */
function expectedOrder(people: Person[], sort: Sort, order: 'asc' | 'desc'): string[] {
  const dir = order === 'asc' ? 1 : -1;
  return [...people]
    .sort((a, b) => {
      const x = sortKey(a, sort);
      const y = sortKey(b, sort);
      if (x !== y) return (x < y ? -1 : 1) * dir;
      return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * dir;
    })
    .map((p) => p.id);
}

describe('GET /api/v1/users: search, filters, sorts and keyset pages', () => {
  let t: TestApp;
  let cookie: string;
  const people: Person[] = [];

  /*
   * Letters-only names (in several cases, with repeats) and equal-length email local parts keep the
   * expected order the same under any database collation. Creation times and last sign-ins repeat,
   * so that ties broken by id show up in every sort.
   */
  const SPECS: Array<{ name: string; email: string; role: Role; createdMin: number }> = [
    { name: 'alice', email: 'qzk@list.test', role: 'member', createdMin: 0 },
    { name: 'Alice', email: 'bcd@list.test', role: 'viewer', createdMin: 0 },
    { name: 'ALICE', email: 'xaa@list.test', role: 'member', createdMin: 0 },
    { name: 'Bob', email: 'mno@list.test', role: 'admin', createdMin: 1 },
    { name: 'bob', email: 'abc@list.test', role: 'member', createdMin: 1 },
    { name: 'Carol', email: 'zzz@list.test', role: 'viewer', createdMin: 2 },
    { name: 'dave', email: 'kkk@list.test', role: 'member', createdMin: 3 },
    { name: 'Eve', email: 'ppp@list.test', role: 'member', createdMin: 3 },
    { name: 'Frank', email: 'ccc@list.test', role: 'viewer', createdMin: 4 },
    { name: 'Grace', email: 'yyy@list.test', role: 'member', createdMin: 5 },
    { name: 'heidi', email: 'ddd@list.test', role: 'admin', createdMin: 6 },
    { name: 'Ivan', email: 'nnn@list.test', role: 'member', createdMin: 6 },
    { name: 'Judy', email: 'eee@list.test', role: 'viewer', createdMin: 7 },
    { name: 'Mallory', email: 'hhh@list.test', role: 'member', createdMin: 8 },
  ];

  beforeAll(async () => {
    t = await buildTestApp();
    const start = t.clock.now();
    const admin = await seedUser(t, { email: 'adm@list.test', name: 'Root', role: 'admin' });
    people.push({
      ...admin,
      name: 'Root',
      role: 'admin',
      status: 'active',
      createdAt: start,
      lastSignInAt: 0,
    });
    for (const spec of SPECS) {
      t.clock.advance(start + spec.createdMin * MINUTE - t.clock.now());
      const user = await seedUser(t, { email: spec.email, name: spec.name, role: spec.role });
      people.push({ ...spec, id: user.id, status: 'active', createdAt: t.clock.now(), lastSignInAt: 0 });
    }
    // Sign-ins: four at the same moment, two later; the rest never signed in (also a tie).
    const at = (index: number) => people[index + 1] as Person;
    for (const [minute, indexes] of [
      [10, [0, 3, 5, 7]],
      [11, [1]],
      [12, [8]],
    ] as const) {
      t.clock.advance(start + minute * MINUTE - t.clock.now());
      for (const i of indexes) {
        await signIn(t, at(i).email, STRONG_PASSWORD);
        at(i).lastSignInAt = t.clock.now();
      }
    }
    t.clock.advance(MINUTE);
    cookie = await signIn(t, admin.email, admin.password);
    (people[0] as Person).lastSignInAt = t.clock.now();
    for (const i of [2, 9]) {
      const res = await request(t, cookie, { method: 'POST', url: `/api/v1/users/${at(i).id}/deactivate` });
      expect(res.statusCode, res.body).toBe(200);
      at(i).status = 'deactivated';
    }
  });

  async function list(query: string): Promise<LightMyRequestResponse> {
    return request(t, cookie, { method: 'GET', url: `/api/v1/users${query ? `?${query}` : ''}` });
  }

  /** Follows nextCursor to the end; every page is checked for size and for the same total. */
  async function walk(params: Record<string, string>, limit: number) {
    const ids: string[] = [];
    const totals = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const res = await list(qs.toString());
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<Page>();
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.nextCursor) expect(page.items.length).toBe(limit);
      ids.push(...page.items.map((u) => u.id));
      totals.add(page.total);
      cursor = page.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return { ids, totals: [...totals], pages };
  }

  it('answers the documented page shape, with the user fields and nothing secret (SEC-AZ-05)', async () => {
    const res = await list('');
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    expect(page.total).toBe(people.length);
    expect(page.nextCursor).toBeNull();
    // Defaults: sorted by name, ascending.
    expect(page.items.map((u) => u.id)).toEqual(expectedOrder(people, 'name', 'asc'));
    for (const item of page.items) {
      const p = people.find((x) => x.id === item.id) as Person;
      expect(item).toMatchObject({
        email: p.email,
        name: p.name,
        role: p.role,
        status: p.status,
        createdAt: new Date(p.createdAt).toISOString(),
        lastSignInAt: p.lastSignInAt ? new Date(p.lastSignInAt).toISOString() : null,
      });
      expect(JSON.stringify(item)).not.toMatch(/argon2|passwordHash|hash/i);
    }
  });

  for (const sort of SORTS) {
    for (const order of ORDERS) {
      it(`sort=${sort}&order=${order}: following the cursors yields every user exactly once, in order, ties by id`, async () => {
        const expected = expectedOrder(people, sort, order);
        for (const limit of [1, 4, 15, 100]) {
          const { ids, totals, pages } = await walk({ sort, order }, limit);
          expect(ids).toEqual(expected);
          expect(new Set(ids).size).toBe(people.length);
          expect(totals).toEqual([people.length]);
          expect(pages).toBe(Math.ceil(people.length / limit));
        }
      });
    }
  }

  const FILTERS: Array<{ params: Record<string, string>; keep: (p: Person) => boolean }> = [
    { params: { role: 'member' }, keep: (p) => p.role === 'member' },
    { params: { role: 'admin' }, keep: (p) => p.role === 'admin' },
    { params: { status: 'deactivated' }, keep: (p) => p.status === 'deactivated' },
    {
      params: { role: 'viewer', status: 'active' },
      keep: (p) => p.role === 'viewer' && p.status === 'active',
    },
    // q: a case-insensitive substring of the email or the name.
    { params: { q: 'ALI' }, keep: (p) => p.name.toLowerCase().includes('ali') },
    { params: { q: 'bob' }, keep: (p) => p.name.toLowerCase() === 'bob' },
    { params: { q: 'zz@LIST' }, keep: (p) => p.email === 'zzz@list.test' },
    { params: { q: '@list.test' }, keep: () => true },
    {
      params: { q: 'a', role: 'member', status: 'active' },
      keep: (p) => /a/i.test(p.name + p.email) && p.role === 'member' && p.status === 'active',
    },
    { params: { q: 'no such person' }, keep: () => false },
  ];

  for (const { params, keep } of FILTERS) {
    it(`filters ${new URLSearchParams(params).toString()}: total counts the filtered set; every sort pages through it`, async () => {
      const matching = people.filter(keep);
      for (const sort of SORTS) {
        for (const order of ORDERS) {
          const { ids, totals } = await walk({ ...params, sort, order }, 2);
          expect(ids).toEqual(expectedOrder(matching, sort, order));
          expect(totals).toEqual([matching.length]);
        }
      }
    });
  }

  it('limit is 1 to 100: 101, 0 and non-numbers → 400 validation_failed', async () => {
    expect((await list('limit=100')).statusCode).toBe(200);
    for (const bad of ['101', '0', '-1', 'abc', '1.5']) {
      const res = await list(`limit=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
    }
  });

  it('unknown sorts, orders, roles, statuses and query fields → 400 validation_failed', async () => {
    for (const bad of [
      'sort=password',
      'order=up',
      'role=owner',
      'status=suspended',
      'offset=10',
      'page=2',
    ]) {
      const res = await list(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
    }
  });

  it('a tampered or foreign cursor → 400 invalid_cursor', async () => {
    const first = (await list('sort=name&order=asc&limit=2')).json<Page>();
    const cursor = first.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    // The same cursor is fine where it belongs.
    expect((await list(`sort=name&order=asc&limit=2&cursor=${encodeURIComponent(cursor)}`)).statusCode).toBe(
      200,
    );

    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forge = (data: unknown) => Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
    const createdAtCursor = (await list('sort=createdAt&order=asc&limit=2')).json<Page>()
      .nextCursor as string;
    const cases: Array<[string, string]> = [
      ['a cursor from another sort', `sort=email&order=asc&cursor=${encodeURIComponent(cursor)}`],
      ['a cursor from the other direction', `sort=name&order=desc&cursor=${encodeURIComponent(cursor)}`],
      ['a name cursor on the creation sort', `sort=createdAt&order=asc&cursor=${encodeURIComponent(cursor)}`],
      [
        'a creation cursor on the name sort',
        `sort=name&order=asc&cursor=${encodeURIComponent(createdAtCursor)}`,
      ],
      ['not base64 JSON', 'cursor=not-a-cursor'],
      ['JSON null', `cursor=${forge(null)}`],
      ['an array', `cursor=${forge([1, 2])}`],
      ['a number value on a text sort', `cursor=${forge({ ...decoded, v: 5 })}`],
      ['an object value', `cursor=${forge({ ...decoded, v: { $gt: '' } })}`],
      ['no id', `cursor=${forge({ ...decoded, i: undefined })}`],
      [
        'a text value on a time sort',
        `sort=createdAt&cursor=${forge({ s: 'createdAt', o: 'asc', v: 'yesterday', i: 'x' })}`,
      ],
      ['a fractional time', `sort=createdAt&cursor=${forge({ s: 'createdAt', o: 'asc', v: 1.5, i: 'x' })}`],
      [
        'a time beyond bigint',
        `sort=lastSignInAt&cursor=${forge({ s: 'lastSignInAt', o: 'asc', v: 1e300, i: 'x' })}`,
      ],
      ['a NUL in the value', `cursor=${forge({ ...decoded, v: 'a\u0000b' })}`],
    ];
    for (const [why, query] of cases) {
      const res = await list(query);
      expect(res.statusCode, `${why}: ${res.body}`).toBe(400);
      expect(errorCode(res), why).toBe('invalid_cursor');
    }
  });

  it('only admins list users: a member → 403 forbidden, anonymous → 401 unauthenticated', async () => {
    const member = await signedIn(t, 'member');
    const asMember = await request(t, member.cookie, { method: 'GET', url: '/api/v1/users' });
    expect(asMember.statusCode).toBe(403);
    expect(errorCode(asMember)).toBe('forbidden');
    const anonymous = await request(t, null, { method: 'GET', url: '/api/v1/users' });
    expect(anonymous.statusCode).toBe(401);
    expect(errorCode(anonymous)).toBe('unauthenticated');
  });
});

describe('GET /api/v1/users?q=: LIKE wildcards and the escape character are matched literally', () => {
  it('% _ and \\ in q match only themselves', async () => {
    const t = await buildTestApp();
    const admin = await seedUser(t, { email: 'root@chars.test', name: 'Root', role: 'admin' });
    const cookie = await signIn(t, admin.email, admin.password);
    const underscore = await seedUser(t, { email: 'a_b@chars.test', name: 'Under Score' });
    const plain = await seedUser(t, { email: 'axb@chars.test', name: 'Plain Person' });
    const percent = await seedUser(t, { email: 'pct@chars.test', name: 'Fully 100% Sure' });
    const backslash = await seedUser(t, { email: 'bs@chars.test', name: 'Back\\Slash' });
    expect(plain.id).toBeDefined();

    const search = async (q: string) => {
      const res = await request(t, cookie, {
        method: 'GET',
        url: `/api/v1/users?${new URLSearchParams({ q })}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<Page>();
      expect(page.total).toBe(page.items.length);
      return page.items.map((u) => u.id).sort();
    };
    const only = (...ids: string[]) => [...ids].sort();

    expect(await search('_')).toEqual(only(underscore.id));
    expect(await search('a_b')).toEqual(only(underscore.id));
    expect(await search('A_B@')).toEqual(only(underscore.id));
    expect(await search('%')).toEqual(only(percent.id));
    expect(await search('100%')).toEqual(only(percent.id));
    expect(await search('0% s')).toEqual(only(percent.id));
    expect(await search('%%')).toEqual([]);
    expect(await search('\\')).toEqual(only(backslash.id));
    expect(await search('k\\s')).toEqual(only(backslash.id));
    expect(await search('\\%')).toEqual([]);
    expect(await search('@chars.test')).toHaveLength(5);
  });
});

describe('POST /api/v1/users, GET and PATCH /api/v1/users/:id', () => {
  let t: TestApp;
  let admin: { id: string; email: string; cookie: string };

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signedIn(t, 'admin');
  });

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    cookie = admin.cookie,
  ) => request(t, cookie, { method, url, ...(payload ? { payload } : {}) });

  it('SEC-TMP-01: creates a user with a typed password, which is temporary (201)', async () => {
    const password = 'violet kettle harbour ninety 7';
    const res = await call('POST', '/api/v1/users', {
      email: '  Typed.Person@Example.TEST ',
      name: ' Typed Person ',
      role: 'viewer',
      password,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ user: ApiUser; generatedPassword?: string }>();
    expect(body.generatedPassword).toBeUndefined();
    expect(body.user).toMatchObject({
      email: 'typed.person@example.test',
      name: 'Typed Person',
      role: 'viewer',
      status: 'active',
      passwordChangeRequired: true,
      lastSignInAt: null,
    });
    expect(JSON.stringify(body)).not.toContain(password);

    const signInRes = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'typed.person@example.test', password },
    });
    expect(signInRes.statusCode).toBe(200);
    expect(signInRes.json().passwordChangeRequired).toBe(true);
  });

  it('SEC-TMP-05: generatePassword returns a strong password once; it signs in; it is never shown, logged or stored again', async () => {
    const res = await call('POST', '/api/v1/users', {
      email: 'generated@example.test',
      name: 'Gene Rated',
      role: 'member',
      generatePassword: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { user, generatedPassword } = res.json<{ user: ApiUser; generatedPassword: string }>();
    expect(typeof generatedPassword).toBe('string');
    expect(generatedPassword.length).toBeGreaterThanOrEqual(15);
    expect(user.passwordChangeRequired).toBe(true);

    const signInRes = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: generatedPassword },
    });
    expect(signInRes.statusCode).toBe(200);

    const again = await call('GET', `/api/v1/users/${user.id}`);
    const listed = await call('GET', '/api/v1/users?q=generated');
    expect(again.body).not.toContain(generatedPassword);
    expect(listed.body).not.toContain(generatedPassword);
    expect(t.logs.join('\n')).not.toContain(generatedPassword);
    const row = await t.db.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(generatedPassword);
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);

    // Two generated passwords are never the same.
    const other = await call('POST', '/api/v1/users', {
      email: 'generated2@example.test',
      name: 'Gene Rated Two',
      role: 'member',
      generatePassword: true,
    });
    expect(other.json().generatedPassword).not.toBe(generatedPassword);
  });

  it('SEC-IN-03: a duplicate email, also by case and spaces → 409 email_taken; nothing is created', async () => {
    const first = await call('POST', '/api/v1/users', {
      email: 'dup@example.test',
      name: 'First',
      role: 'member',
      generatePassword: true,
    });
    expect(first.statusCode).toBe(201);
    for (const email of ['dup@example.test', 'DUP@Example.Test', '  dup@example.test  ']) {
      const res = await call('POST', '/api/v1/users', {
        email,
        name: 'Second',
        role: 'admin',
        password: STRONG_PASSWORD,
      });
      expect(res.statusCode, email).toBe(409);
      expect(errorCode(res)).toBe('email_taken');
    }
    const listed = (await call('GET', '/api/v1/users?q=dup@')).json<Page>();
    expect(listed.total).toBe(1);
    expect(listed.items[0]?.name).toBe('First');
  });

  it('refuses bodies with both or neither password choice, and weak passwords', async () => {
    const base = { email: 'choice@example.test', name: 'Choice', role: 'member' };
    const both = await call('POST', '/api/v1/users', {
      ...base,
      password: STRONG_PASSWORD,
      generatePassword: true,
    });
    expect(both.statusCode).toBe(400);
    const neither = await call('POST', '/api/v1/users', base);
    expect(neither.statusCode).toBe(400);
    const weak = await call('POST', '/api/v1/users', { ...base, password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(errorCode(weak)).toBe('password_too_short');
    expect((await call('GET', '/api/v1/users?q=choice@')).json<Page>().total).toBe(0);
  });

  it('GET /api/v1/users/:id answers the user; an unknown id → 404 user_not_found', async () => {
    const created = await seedUser(t, { email: 'lookup@example.test', name: 'Look Up', role: 'viewer' });
    const res = await call('GET', `/api/v1/users/${created.id}`);
    expect(res.statusCode).toBe(200);
    const user = res.json<ApiUser>();
    expect(user).toMatchObject({
      id: created.id,
      email: 'lookup@example.test',
      name: 'Look Up',
      role: 'viewer',
    });
    expect(Object.keys(user)).not.toContain('passwordHash');

    for (const id of ['00000000-0000-0000-0000-000000000000', 'nope']) {
      const missing = await call('GET', `/api/v1/users/${id}`);
      expect(missing.statusCode).toBe(404);
      expect(errorCode(missing)).toBe('user_not_found');
    }
  });

  it('PATCH renames a user; search and the name sort follow the new name', async () => {
    const user = await seedUser(t, { email: 'rename@example.test', name: 'Old Name', role: 'member' });
    const res = await call('PATCH', `/api/v1/users/${user.id}`, { name: '  Brand New  ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<ApiUser>()).toMatchObject({ id: user.id, name: 'Brand New', role: 'member' });
    expect((await call('GET', `/api/v1/users/${user.id}`)).json<ApiUser>().name).toBe('Brand New');
    expect((await call('GET', '/api/v1/users?q=old%20name')).json<Page>().total).toBe(0);
    const found = (await call('GET', '/api/v1/users?q=BRAND')).json<Page>();
    expect(found.items.map((u) => u.id)).toEqual([user.id]);
  });

  it('SEC-SES-04: PATCH changes the role; the user’s existing session has the new rights at the next request', async () => {
    const user = await signedIn(t, 'member');
    const before = await call('GET', '/api/v1/users', undefined, user.cookie);
    expect(before.statusCode).toBe(403);

    const promoted = await call('PATCH', `/api/v1/users/${user.id}`, { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json<ApiUser>().role).toBe('admin');
    expect((await call('GET', '/api/v1/users', undefined, user.cookie)).statusCode).toBe(200);

    const demoted = await call('PATCH', `/api/v1/users/${user.id}`, { role: 'viewer', name: 'Now A Viewer' });
    expect(demoted.statusCode).toBe(200);
    expect(demoted.json<ApiUser>()).toMatchObject({ role: 'viewer', name: 'Now A Viewer' });
    const after = await call('GET', '/api/v1/users', undefined, user.cookie);
    expect(after.statusCode).toBe(403);
    expect(errorCode(after)).toBe('forbidden');
  });

  it('SEC-AZ-03: PATCH with nothing to change or unknown fields → 400; an unknown user → 404 user_not_found', async () => {
    const user = await seedUser(t, { email: 'strict@example.test', name: 'Strict', role: 'member' });
    for (const payload of [
      {},
      { email: 'x@example.test' },
      { passwordHash: 'x' },
      { role: 'owner' },
      { name: '' },
    ]) {
      const res = await call('PATCH', `/api/v1/users/${user.id}`, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const unchanged = (await call('GET', `/api/v1/users/${user.id}`)).json<ApiUser>();
    expect(unchanged).toMatchObject({ email: 'strict@example.test', name: 'Strict', role: 'member' });
    const missing = await call('PATCH', '/api/v1/users/00000000-0000-0000-0000-000000000000', {
      name: 'Ghost',
    });
    expect(missing.statusCode).toBe(404);
    expect(errorCode(missing)).toBe('user_not_found');
  });
});

describe('deactivate, activate and DELETE /api/v1/users/:id/sessions', () => {
  let t: TestApp;
  let admin: { id: string; email: string; cookie: string };

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signedIn(t, 'admin');
  });

  const me = (cookie: string) => request(t, cookie, { method: 'GET', url: '/api/v1/me' });
  const signInRes = (email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });

  it('SEC-SES-06: deactivation ends every session of the user at once and blocks sign-in; activation lets them sign in again', async () => {
    const user = await seedUser(t, { role: 'member' });
    const laptop = await signIn(t, user.email, user.password);
    const phone = await signIn(t, user.email, user.password);
    expect((await me(laptop)).statusCode).toBe(200);
    expect((await me(phone)).statusCode).toBe(200);

    const off = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/deactivate`,
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json<ApiUser>().status).toBe('deactivated');
    for (const cookie of [laptop, phone]) {
      const res = await me(cookie);
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('unauthenticated');
    }
    const sessions = await t.db.db
      .selectFrom('sessions')
      .select('id')
      .where('userId', '=', user.id)
      .execute();
    expect(sessions).toEqual([]);
    const refused = await signInRes(user.email, user.password);
    expect(refused.statusCode).toBe(401);
    expect(errorCode(refused)).toBe('invalid_credentials');
    const listed = (
      await request(t, admin.cookie, { method: 'GET', url: `/api/v1/users?status=deactivated` })
    ).json<Page>();
    expect(listed.items.map((u) => u.id)).toContain(user.id);
    // The admin's own session is untouched.
    expect((await me(admin.cookie)).statusCode).toBe(200);

    const on = await request(t, admin.cookie, { method: 'POST', url: `/api/v1/users/${user.id}/activate` });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json<ApiUser>().status).toBe('active');
    // Old sessions stay over; a new sign-in works.
    expect((await me(laptop)).statusCode).toBe(401);
    const again = await signIn(t, user.email, user.password);
    expect((await me(again)).statusCode).toBe(200);
  });

  it('an admin cannot deactivate themself (400 cannot_deactivate_self); unknown users → 404 user_not_found', async () => {
    const self = await request(t, admin.cookie, {
      method: 'POST',
      url: `/api/v1/users/${admin.id}/deactivate`,
    });
    expect(self.statusCode).toBe(400);
    expect(errorCode(self)).toBe('cannot_deactivate_self');
    expect((await me(admin.cookie)).statusCode).toBe(200);
    for (const verb of ['deactivate', 'activate']) {
      const res = await request(t, admin.cookie, {
        method: 'POST',
        url: `/api/v1/users/00000000-0000-0000-0000-000000000000/${verb}`,
      });
      expect(res.statusCode, verb).toBe(404);
      expect(errorCode(res)).toBe('user_not_found');
    }
  });

  it('SEC-SES-07: DELETE /api/v1/users/:id/sessions signs the user out everywhere and says how many sessions ended', async () => {
    const user = await seedUser(t, { role: 'viewer' });
    const bystander = await signedIn(t, 'member');
    const one = await signIn(t, user.email, user.password);
    const two = await signIn(t, user.email, user.password);

    const res = await request(t, admin.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${user.id}/sessions`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ sessionsEnded: 2, tokensRevoked: 0 });
    expect((await me(one)).statusCode).toBe(401);
    expect((await me(two)).statusCode).toBe(401);
    // Only that user's sessions end; the account stays usable.
    expect((await me(bystander.cookie)).statusCode).toBe(200);
    expect((await me(admin.cookie)).statusCode).toBe(200);
    const fresh = await signIn(t, user.email, user.password);
    expect((await me(fresh)).statusCode).toBe(200);

    const none = await request(t, admin.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${bystander.id}/sessions`,
    });
    expect(none.json()).toEqual({ sessionsEnded: 1, tokensRevoked: 0 });
    const zero = await request(t, admin.cookie, {
      method: 'DELETE',
      url: `/api/v1/users/${bystander.id}/sessions`,
    });
    expect(zero.json()).toEqual({ sessionsEnded: 0, tokensRevoked: 0 });

    const missing = await request(t, admin.cookie, {
      method: 'DELETE',
      url: '/api/v1/users/00000000-0000-0000-0000-000000000000/sessions',
    });
    expect(missing.statusCode).toBe(404);
    expect(errorCode(missing)).toBe('user_not_found');
  });
});
