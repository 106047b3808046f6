import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createArgon2Hasher,
  loadBlocklist,
  PRODUCTION_ARGON2,
  type Argon2Params,
} from '../../src/modules/passwords/index.js';
import {
  buildTestApp,
  request,
  seedUser,
  sessionCookieOf,
  signIn,
  TEST_ARGON2,
  type TestApp,
} from '../harness.js';

const PRODUCTION_PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function trySignIn(t: TestApp, email: string, password: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
}

function createViaAdmin(
  t: TestApp,
  adminCookie: string,
  input: { email: string; name: string; password: string },
): Promise<LightMyRequestResponse> {
  return request(t, adminCookie, {
    method: 'POST',
    url: '/api/v1/users',
    payload: { ...input, role: 'member' },
  });
}

function changeOwn(t: TestApp, cookie: string, currentPassword: string, newPassword: string) {
  return request(t, cookie, {
    method: 'POST',
    url: '/api/v1/me/password',
    payload: { currentPassword, newPassword },
  });
}

async function storedHash(t: TestApp, id: string): Promise<string | null> {
  const row = await t.db.db
    .selectFrom('users')
    .select('passwordHash')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.passwordHash;
}

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

/** A deterministic password of n code points without vowels, so it never contains a context word. */
function longPassword(n: number): string {
  const symbols = 'bcdfghjkmnpqrstvwxz2345678';
  return Array.from({ length: n }, (_, i) => symbols[(i * 7 + (i >> 3)) % symbols.length]).join('');
}

let seq = 0;
/** A fresh member with an own (non-temporary) password, signed in. */
async function member(t: TestApp, password = 'amber meadow lantern quietly') {
  seq += 1;
  const user = await seedUser(t, {
    email: `member${seq}.pw@example.test`,
    name: `Noor Haddad ${seq}`,
    password,
  });
  const cookie = await signIn(t, user.email, user.password);
  return { ...user, cookie };
}

describe('password storage', () => {
  it('SEC-PS-01: argon2id with the production parameters and a random salt of at least 16 bytes', async () => {
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, 2);
    const password = 'amber meadow lantern quietly';
    const first = await hasher.hash(password);
    const second = await hasher.hash(password);
    for (const hash of [first, second]) {
      const m = PRODUCTION_PHC.exec(hash);
      expect(m, hash).not.toBeNull();
      expect(Buffer.from(m?.[1] ?? '', 'base64').length).toBeGreaterThanOrEqual(16);
    }
    expect(first).not.toBe(second);
    expect(PRODUCTION_PHC.exec(first)?.[1]).not.toBe(PRODUCTION_PHC.exec(second)?.[1]);
    expect(await hasher.verify(first, password)).toBe(true);
    expect(await hasher.verify(second, password)).toBe(true);
    expect(await hasher.verify(first, `${password}!`)).toBe(false);
    expect(hasher.needsRehash(first)).toBe(false);
  });

  it('SEC-PS-01: a user created through the API is stored with the production parameters', async () => {
    const t = await buildTestApp({ hasher: createArgon2Hasher(PRODUCTION_ARGON2, 2) });
    const admin = await seedUser(t, { email: 'ps01.admin@example.test', name: 'Rhea Admin', role: 'admin' });
    const adminCookie = await signIn(t, admin.email, admin.password);
    const password = 'violet harbour lanterns drift';
    const res = await createViaAdmin(t, adminCookie, {
      email: 'ps01.user@example.test',
      name: 'Ida Storer',
      password,
    });
    expect(res.statusCode, res.body).toBe(201);
    const hash = await storedHash(t, res.json().user.id);
    expect(hash).toMatch(PRODUCTION_PHC);
    expect(hash).not.toContain(password);
    expect(Buffer.from(PRODUCTION_PHC.exec(hash ?? '')?.[1] ?? '', 'base64').length).toBeGreaterThanOrEqual(
      16,
    );
    expect((await trySignIn(t, 'ps01.user@example.test', password)).statusCode).toBe(200);
  });

  it('SEC-PS-02: a hash with older parameters is upgraded at the next successful sign-in, not after a failed one', async () => {
    const older: Argon2Params = TEST_ARGON2;
    const current: Argon2Params = { memoryCost: 128, timeCost: 2, parallelism: 1 };
    const t = await buildTestApp({ hasher: createArgon2Hasher(current, 4) });
    const user = await seedUser(t, { email: 'ps02.user@example.test', name: 'Olu Upgrade' });
    const oldHash = await createArgon2Hasher(older, 1).hash(user.password);
    expect(oldHash).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    await t.db.db.updateTable('users').set({ passwordHash: oldHash }).where('id', '=', user.id).execute();

    const failed = await trySignIn(t, user.email, 'not the right password at all');
    expect(failed.statusCode).toBe(401);
    expect(await storedHash(t, user.id)).toBe(oldHash);

    const ok = await trySignIn(t, user.email, user.password);
    expect(ok.statusCode).toBe(200);
    const upgraded = await storedHash(t, user.id);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=128,t=2,p=1\$/);
    expect(upgraded).not.toBe(oldHash);
    expect(t.hasher.needsRehash(upgraded ?? '')).toBe(false);

    // The upgraded hash is the same password, and it is not upgraded again.
    expect((await trySignIn(t, user.email, user.password)).statusCode).toBe(200);
    expect(await storedHash(t, user.id)).toBe(upgraded);
    expect((await trySignIn(t, user.email, 'not the right password at all')).statusCode).toBe(401);
  });

  it('SEC-PS-02: hashing has bounded concurrency; verifications queue instead of running all at once', async () => {
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, 1);
    const hash = await hasher.hash('amber meadow lantern quietly');
    expect(hasher.queueDepth()).toBe(0);
    const inFlight = Array.from({ length: 6 }, (_, i) => hasher.verify(hash, `wrong guess number ${i}`));
    // verify() enters the gate after one microtask; give it a turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const depth = hasher.queueDepth();
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThanOrEqual(5);
    expect(await Promise.all(inFlight)).toEqual(Array(6).fill(false));
    expect(hasher.queueDepth()).toBe(0);
  });

  it('SEC-PS-02: /healthz answers while 20 wrong sign-ins are being hashed', async () => {
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, 1);
    const t = await buildTestApp({ hasher });
    const user = await seedUser(t, { email: 'flood.target@example.test', name: 'Flo Target' });
    let settled = 0;
    const flood = Array.from({ length: 20 }, (_, i) =>
      trySignIn(t, user.email, `wrong password attempt ${i}`).then((res) => {
        settled += 1;
        return res;
      }),
    );
    // Wait (without sleeping: one event-loop turn at a time) until the flood is queued behind the hasher.
    for (let i = 0; i < 10_000 && hasher.queueDepth() < 5; i += 1)
      await new Promise((resolve) => setImmediate(resolve));
    expect(hasher.queueDepth()).toBeGreaterThanOrEqual(5);
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(settled).toBeLessThan(20);
    expect(hasher.queueDepth()).toBeGreaterThan(0);
    const results = await Promise.all(flood);
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(401));
  });
});

describe('password policy', () => {
  let t: TestApp;
  let adminCookie: string;

  beforeAll(async () => {
    t = await buildTestApp({ env: { ORGANIZATION_NAME: 'Northwind Traders' } });
    const admin = await seedUser(t, {
      email: 'policy.admin@example.test',
      name: 'Rhea Admin',
      role: 'admin',
    });
    adminCookie = await signIn(t, admin.email, admin.password);
  });

  it('SEC-PW-01: at least 15 code points, through admin create and own change', async () => {
    const fourteen = 'zq7vbn3kx9wmt4';
    const fifteen = 'zq7vbn3kx9wmt4r';
    expect([...fourteen]).toHaveLength(14);
    const short = await createViaAdmin(t, adminCookie, {
      email: 'pw01a@example.test',
      name: 'Ama Short',
      password: fourteen,
    });
    expectError(short, 400, 'password_too_short');
    const lookup = await request(t, adminCookie, { method: 'GET', url: '/api/v1/users?q=pw01a' });
    expect(lookup.json().total).toBe(0);
    const ok = await createViaAdmin(t, adminCookie, {
      email: 'pw01a@example.test',
      name: 'Ama Short',
      password: fifteen,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await trySignIn(t, 'pw01a@example.test', fifteen)).statusCode).toBe(200);

    const m = await member(t);
    expectError(await changeOwn(t, m.cookie, m.password, fourteen), 400, 'password_too_short');
    expect((await trySignIn(t, m.email, m.password)).statusCode).toBe(200);
    const changed = await changeOwn(t, m.cookie, m.password, fifteen);
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await trySignIn(t, m.email, fifteen)).statusCode).toBe(200);
  });

  it('SEC-PW-01: length counts code points, not UTF-16 units', async () => {
    const emoji = [
      '🦊',
      '🐙',
      '🦉',
      '🐝',
      '🦋',
      '🐢',
      '🦔',
      '🐳',
      '🦜',
      '🐌',
      '🦩',
      '🐞',
      '🦦',
      '🐬',
      '🦚',
      '🐿',
    ];
    const fourteen = emoji.slice(0, 14).join('');
    const fifteen = emoji.slice(0, 15).join('');
    expect(fourteen.length).toBe(28); // 28 UTF-16 units, but 14 code points
    const short = await createViaAdmin(t, adminCookie, {
      email: 'emoji1@example.test',
      name: 'Emi Oji',
      password: fourteen,
    });
    expectError(short, 400, 'password_too_short');
    const ok = await createViaAdmin(t, adminCookie, {
      email: 'emoji1@example.test',
      name: 'Emi Oji',
      password: fifteen,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await trySignIn(t, 'emoji1@example.test', fifteen)).statusCode).toBe(200);
  });

  it('SEC-PW-01: the minimum is configurable down to 8 (PASSWORD_MIN_LENGTH)', async () => {
    const t8 = await buildTestApp({ env: { PASSWORD_MIN_LENGTH: '8' } });
    const admin = await seedUser(t8, { email: 'min8.admin@example.test', name: 'Rhea Admin', role: 'admin' });
    const cookie = await signIn(t8, admin.email, admin.password);
    const seven = await createViaAdmin(t8, cookie, {
      email: 'min8@example.test',
      name: 'Ez Eight',
      password: 'zq7vbn3',
    });
    expectError(seven, 400, 'password_too_short');
    const eight = await createViaAdmin(t8, cookie, {
      email: 'min8@example.test',
      name: 'Ez Eight',
      password: 'zq7vbn3k',
    });
    expect(eight.statusCode, eight.body).toBe(201);
    expect((await trySignIn(t8, 'min8@example.test', 'zq7vbn3k')).statusCode).toBe(200);
  });

  it('SEC-PW-01: passwords are NFKC-normalized: composed and decomposed "Café" sign in alike', async () => {
    const composed = 'Caf\u00e9 on the quiet riverbank';
    const decomposed = 'Cafe\u0301 on the quiet riverbank';
    expect(composed).not.toBe(decomposed);
    expect(composed.normalize('NFKC')).toBe(decomposed.normalize('NFKC'));

    // Set composed (admin create), sign in decomposed.
    const a = await createViaAdmin(t, adminCookie, {
      email: 'nfkc1@example.test',
      name: 'Ana Nfkc',
      password: composed,
    });
    expect(a.statusCode, a.body).toBe(201);
    expect((await trySignIn(t, 'nfkc1@example.test', decomposed)).statusCode).toBe(200);
    expect((await trySignIn(t, 'nfkc1@example.test', composed)).statusCode).toBe(200);

    // Set decomposed (own change), sign in composed.
    const m = await member(t);
    expect((await changeOwn(t, m.cookie, m.password, decomposed)).statusCode).toBe(204);
    expect((await trySignIn(t, m.email, composed)).statusCode).toBe(200);
    expect((await trySignIn(t, m.email, decomposed)).statusCode).toBe(200);
  });

  it('SEC-PW-02: at most 256 code points, and never truncated', async () => {
    const p256 = longPassword(256);
    const p257 = longPassword(257);
    expect([...p256]).toHaveLength(256);
    const tooLong = await createViaAdmin(t, adminCookie, {
      email: 'pw02@example.test',
      name: 'Lou Long',
      password: p257,
    });
    expectError(tooLong, 400, 'password_too_long');
    const ok = await createViaAdmin(t, adminCookie, {
      email: 'pw02@example.test',
      name: 'Lou Long',
      password: p256,
    });
    expect(ok.statusCode, ok.body).toBe(201);

    const lastChanged = p256.slice(0, 255) + (p256.endsWith('b') ? 'c' : 'b');
    expect((await trySignIn(t, 'pw02@example.test', lastChanged)).statusCode).toBe(401);
    expect((await trySignIn(t, 'pw02@example.test', p256.slice(0, 255))).statusCode).toBe(401);
    expect((await trySignIn(t, 'pw02@example.test', p256)).statusCode).toBe(200);

    const m = await member(t);
    expectError(await changeOwn(t, m.cookie, m.password, p257), 400, 'password_too_long');
    expect((await changeOwn(t, m.cookie, m.password, p256)).statusCode).toBe(204);
    expect((await trySignIn(t, m.email, p256)).statusCode).toBe(200);
  });

  it('SEC-PW-03: the whole password is verified (no 72-byte truncation)', async () => {
    const p100 = longPassword(100);
    const m = await member(t);
    expect((await changeOwn(t, m.cookie, m.password, p100)).statusCode).toBe(204);
    const first72 = await trySignIn(t, m.email, p100.slice(0, 72));
    expectError(first72, 401, 'invalid_credentials');
    expect((await trySignIn(t, m.email, p100.slice(0, 99))).statusCode).toBe(401);
    expect((await trySignIn(t, m.email, p100)).statusCode).toBe(200);
  });

  it('SEC-PW-04: no composition rules: an all-lower-case passphrase is accepted', async () => {
    const passphrase = 'meadowlanternquietriver';
    expect(loadBlocklist().has(passphrase)).toBe(false);
    const created = await createViaAdmin(t, adminCookie, {
      email: 'pw04@example.test',
      name: 'Cal Plain',
      password: passphrase,
    });
    expect(created.statusCode, created.body).toBe(201);
    const m = await member(t);
    expect((await changeOwn(t, m.cookie, m.password, 'lanternriverquietmeadow')).statusCode).toBe(204);
    expect((await trySignIn(t, m.email, 'lanternriverquietmeadow')).statusCode).toBe(200);
  });

  it('SEC-PW-04: no forced periodic change: an own password still signs in after 400 days', async () => {
    const t400 = await buildTestApp();
    const user = await seedUser(t400, { email: 'pw04.old@example.test', name: 'Old Timer' });
    t400.clock.advance(400 * 24 * 3_600_000);
    const res = await trySignIn(t400, user.email, user.password);
    expect(res.statusCode).toBe(200);
    expect(res.json().passwordChangeRequired).toBe(false);
    const me = await request(t400, sessionCookieOf(res), { method: 'GET', url: '/api/v1/me/sessions' });
    expect(me.statusCode).toBe(200);
  });

  it('SEC-PW-05: the offline blocklist ships in the package with at least 100,000 entries', () => {
    // Synchronous: read from a file in the package, so there is no network request to make.
    const list = loadBlocklist();
    expect(list.size).toBeGreaterThanOrEqual(100_000);
    expect(list.has('passwordpassword')).toBe(true);
  });

  it('SEC-PW-05: blocklisted passwords are refused after NFKC and lower-casing', async () => {
    const entries = ['qwertyuiopasdfgh', 'passwordpassword', '1qaz2wsx3edc4rfv', '123456789987654321'];
    const list = loadBlocklist();
    for (const e of entries) expect(list.has(e), e).toBe(true);
    const variants = [
      ...entries,
      'QWERTYUIOPASDFGH', // case variation
      'PassWordPassWord',
      '\uff51\uff57\uff45\uff52\uff54\uff59uiopasdfgh', // full-width "qwerty": NFKC folds it
    ];
    const m = await member(t);
    for (const [i, candidate] of variants.entries()) {
      const created = await createViaAdmin(t, adminCookie, {
        email: `bl${i}@example.test`,
        name: 'Bo Listed',
        password: candidate,
      });
      expectError(created, 400, 'password_blocklisted');
      expectError(await changeOwn(t, m.cookie, m.password, candidate), 400, 'password_blocklisted');
    }
    const reset = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${m.id}/password`,
      payload: { password: 'Passwordpassword' },
    });
    expectError(reset, 400, 'password_blocklisted');
    // Nothing changed for the member.
    expect((await request(t, m.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await trySignIn(t, m.email, m.password)).statusCode).toBe(200);
  });

  it('SEC-PW-06: the email local part, name, organization name and "Gatehouse" are refused in any case', async () => {
    const user = await seedUser(t, {
      email: 'zephyrine.k@example.test',
      name: 'Odalys Brennan',
      password: 'amber meadow lantern quietly',
    });
    const cookie = await signIn(t, user.email, user.password);
    const refused = [
      'blue ZEPHYRINE river dance', // email local part
      'quiet Brennan lantern hill', // name part
      'oDaLyS walks by the meadow', // name part, mixed case
      'NORTHWIND sails at midnight', // organization name part
      'the northwind traders harbour', // the whole organization name
      'my GateHouse lantern meadow', // the product name
    ];
    for (const password of refused) {
      expectError(await changeOwn(t, cookie, user.password, password), 400, 'password_contains_context');
    }
    const created = await createViaAdmin(t, adminCookie, {
      email: 'kestrel.v@example.test',
      name: 'Mireille Quasten',
      password: 'river mireille harbour lights',
    });
    expectError(created, 400, 'password_contains_context');
    const reset = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { password: 'harbour zephyrine evening' },
    });
    expectError(reset, 400, 'password_contains_context');
    // A password without context words is accepted.
    expect((await changeOwn(t, cookie, user.password, 'violet harbour lanterns drift')).statusCode).toBe(204);
  });

  it('SEC-PW-07: a wrong current password → 400 current_password_incorrect, audited as a failure, nothing changes', async () => {
    const m = await member(t);
    const hashBefore = await storedHash(t, m.id);
    const res = await changeOwn(t, m.cookie, 'this is not my password', 'violet harbour lanterns drift');
    expectError(res, 400, 'current_password_incorrect');
    expect(res.headers['set-cookie']).toBeUndefined();

    expect(await storedHash(t, m.id)).toBe(hashBefore);
    expect((await request(t, m.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await trySignIn(t, m.email, m.password)).statusCode).toBe(200);
    expect((await trySignIn(t, m.email, 'violet harbour lanterns drift')).statusCode).toBe(401);

    const audit = await request(t, adminCookie, {
      method: 'GET',
      url: `/api/v1/audit-events?target=${m.id}&action=user.password_changed`,
    });
    const items = audit.json<{ items: Array<{ outcome: string; actor: { id: string }; details: object }> }>()
      .items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      outcome: 'failure',
      actor: { id: m.id },
      details: { reason: 'current_password_incorrect' },
    });
  });
});
