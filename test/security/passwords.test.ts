import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { changeOwnPassword } from '../../src/modules/auth/index.js';
import {
  createArgon2Hasher,
  loadBlocklist,
  PRODUCTION_ARGON2,
  type Argon2Params,
  type HashCaller,
} from '../../src/modules/passwords/index.js';
import { failedAttempts } from '../../src/modules/throttle/index.js';
import type { AppError } from '../../src/shared/errors.js';
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
    for (let i = 0; i < 500_000 && hasher.queueDepth() < 5; i += 1)
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

/** The real argon2id hasher, counting the verifications it did (not those refused for the caller's share). */
function countingHasher(params: Argon2Params = TEST_ARGON2, concurrency = 4) {
  const inner = createArgon2Hasher(params, concurrency);
  const spy = {
    verifies: 0,
    hash: (password: string, caller?: HashCaller) => inner.hash(password, caller),
    async verify(storedHash: string | null, password: string, caller?: HashCaller) {
      const ok = await inner.verify(storedHash, password, caller);
      spy.verifies += 1;
      return ok;
    },
    needsRehash: (storedHash: string) => inner.needsRehash(storedHash),
    queueDepth: () => inner.queueDepth(),
  };
  return spy;
}

async function auditDetails(t: TestApp, action: string, target: string) {
  const rows = await t.db.db
    .selectFrom('auditEvents')
    .select(['details', 'outcome'])
    .where('action', '=', action)
    .where('targetId', '=', target)
    .execute();
  return rows.map((r) => ({ outcome: r.outcome, details: JSON.parse(r.details ?? '{}') as object }));
}

describe('wrong current passwords are limited (issue 10, item 1)', () => {
  const NEW_PASSWORD = 'violet harbour lanterns drift';

  it('SEC-PW-07: five wrong current passwords from one session → 429 with Retry-After, and that session ends; the account is not locked', async () => {
    const t = await buildTestApp();
    const m = await member(t);
    const other = await signIn(t, m.email, m.password);
    for (let i = 1; i <= 4; i += 1)
      expectError(
        await changeOwn(t, m.cookie, `wrong guess number ${i}`, NEW_PASSWORD),
        400,
        'current_password_incorrect',
      );
    const fifth = await changeOwn(t, m.cookie, 'wrong guess number 5', NEW_PASSWORD);
    expectError(fifth, 429, 'rate_limited');
    const retryAfter = Number(fifth.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // That session has ended; the user's other session and the password are untouched.
    expect((await request(t, m.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await request(t, other, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect(await auditDetails(t, 'session.revoked', m.id)).toEqual([
      { outcome: 'success', details: { sessionId: expect.any(String), reason: 'current_password_attempts' } },
    ]);
    expect(await auditDetails(t, 'user.password_changed', m.id)).toHaveLength(5);
    // No lockout: sign-in works at once, and the sign-in failure counter was never touched.
    expect((await trySignIn(t, m.email, m.password)).statusCode).toBe(200);
    expect(await failedAttempts(t.db.db, m.email)).toBe(0);
  });

  it('SEC-PW-07: the limit is per user too: five wrong guesses over several sessions in 15 minutes, then even the right one waits (without ending that session)', async () => {
    const t = await buildTestApp();
    const m = await member(t);
    const a = m.cookie;
    const b = await signIn(t, m.email, m.password);
    for (let i = 1; i <= 3; i += 1)
      expectError(
        await changeOwn(t, a, `wrong guess a${i}`, NEW_PASSWORD),
        400,
        'current_password_incorrect',
      );
    expectError(await changeOwn(t, b, 'wrong guess b1', NEW_PASSWORD), 400, 'current_password_incorrect');
    // The fifth wrong guess for this user ends the session that made it (b), though b made only two.
    expectError(await changeOwn(t, b, 'wrong guess b2', NEW_PASSWORD), 429, 'rate_limited');
    expect((await request(t, b, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);

    // Session a made no guess past the limit: it lives, but nothing is checked until the window ends.
    const waiting = await changeOwn(t, a, m.password, NEW_PASSWORD);
    expectError(waiting, 429, 'rate_limited');
    expect(Number(waiting.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(t, a, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await trySignIn(t, m.email, NEW_PASSWORD)).statusCode).toBe(401);

    t.clock.advance(15 * 60_000 + 1000);
    const fresh = await signIn(t, m.email, m.password);
    expect((await changeOwn(t, fresh, m.password, NEW_PASSWORD)).statusCode).toBe(204);
    expect((await trySignIn(t, m.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('SEC-PW-07: a right current password gives its count back, so only wrong ones count', async () => {
    const t = await buildTestApp();
    const m = await member(t);
    for (let i = 1; i <= 4; i += 1)
      expectError(
        await changeOwn(t, m.cookie, `wrong guess ${i}`, NEW_PASSWORD),
        400,
        'current_password_incorrect',
      );
    // Right current password, refused new one (too short): checked, then given back.
    expectError(await changeOwn(t, m.cookie, m.password, 'short'), 400, 'password_too_short');
    expect((await changeOwn(t, m.cookie, m.password, NEW_PASSWORD)).statusCode).toBe(204);
  });

  it('SEC-PW-07 / SEC-PS-02: bursts of 40 parallel wrong current passwords from one session: five are hashed in all, then the session ends', async () => {
    const hasher = countingHasher();
    const t = await buildTestApp({ hasher });
    const m = await member(t);
    hasher.verifies = 0;
    const statuses: number[] = [];
    // Each burst: the session's hashing share (4) is checked, the rest refused at once (429, not
    // counted); counted attempts never exceed five, however many run in parallel.
    for (let burst = 0; burst < 5; burst += 1) {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          changeOwn(t, m.cookie, `parallel wrong guess ${burst}-${i}`, NEW_PASSWORD),
        ),
      );
      statuses.push(...results.map((r) => r.statusCode));
      expect(hasher.verifies).toBeLessThanOrEqual(5);
      if (results.some((r) => r.statusCode === 401)) break;
    }
    expect(hasher.verifies).toBe(5);
    expect(statuses.filter((s) => s === 400)).toHaveLength(4);
    expect(statuses.every((s) => s === 400 || s === 429 || s === 401)).toBe(true);
    expect((await request(t, m.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    // Audited once, however many parallel requests found the session over its limit.
    expect(await auditDetails(t, 'session.revoked', m.id)).toHaveLength(1);
    expect((await trySignIn(t, m.email, m.password)).statusCode).toBe(200);
  });

  it('SEC-PW-07: an API token is limited alike: its fifth wrong current password ends the token', async () => {
    // Through the service, with the credential a Bearer request carries: whether a route lets tokens
    // change passwords at all is the route's business (issue 10, item 3); the limit is the service's.
    const t = await buildTestApp();
    const m = await member(t);
    const created = await request(t, m.cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'ci' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const {
      token,
      info: { id },
    } = created.json<{ token: string; info: { id: string } }>();
    const bearer = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);

    const actor = {
      actorId: m.id,
      actorLabel: m.email,
      ip: '198.51.100.7',
      userAgent: null,
      requestId: null,
    };
    const attempt = (n: number) =>
      changeOwnPassword(
        t.deps,
        actor,
        { kind: 'token', id },
        { currentPassword: `wrong ${n}`, newPassword: NEW_PASSWORD },
      ).then(
        () => 'changed',
        (error: AppError) => `${error.status} ${error.code}`,
      );
    for (let i = 1; i <= 4; i += 1) expect(await attempt(i)).toBe('400 current_password_incorrect');
    expect(await attempt(5)).toBe('429 rate_limited');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
    expect(await auditDetails(t, 'token.revoked', m.id)).toEqual([
      { outcome: 'success', details: { tokenId: id, reason: 'current_password_attempts' } },
    ]);
    // The cookie session of the same user is not the token: it lives (the per-user limit now waits).
    expect((await request(t, m.cookie, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });
});

describe('hashing is admitted per caller (issue 10, item 1)', () => {
  const sessionA = { ip: '203.0.113.1', credential: 'session:flooding' };
  const elsewhere = { ip: '203.0.113.2' };

  it('SEC-PS-02: waiting hashes are served round-robin: one caller with 30 queued delays another by at most one hash', async () => {
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, 1, { perIp: 100, perCredential: 100 });
    const hash = await hasher.hash('amber meadow lantern quietly');
    const done: string[] = [];
    const flood = Array.from({ length: 30 }, (_, i) =>
      hasher.verify(hash, `flood guess ${i}`, sessionA).then(() => done.push(`flood ${i}`)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(hasher.queueDepth()).toBe(29);
    const other = hasher.verify(hash, 'amber meadow lantern quietly', elsewhere).then((ok) => {
      done.push('elsewhere');
      return ok;
    });
    expect(await other).toBe(true);
    // The flood's running hash, then at most one more of its queue (the round was its turn), then us.
    expect(done.indexOf('elsewhere')).toBeLessThanOrEqual(2);
    await Promise.all(flood);
    expect(done).toHaveLength(31);
  });

  it('SEC-PS-02: within one address, sessions take turns too, and one session may hold at most its share (then 429 at once)', async () => {
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, 1, { perIp: 8, perCredential: 3 });
    const hash = await hasher.hash('amber meadow lantern quietly');
    const outcome = (p: Promise<boolean>) =>
      p.then(
        () => 'hashed',
        (error: AppError) => `${error.status} ${error.code} retry-after ${error.retryAfterSeconds}`,
      );
    const done: string[] = [];
    const mine = Array.from({ length: 5 }, (_, i) =>
      outcome(hasher.verify(hash, `guess ${i}`, sessionA)).then((r) => (done.push(`a${i}`), r)),
    );
    const sameAddress = { ip: sessionA.ip, credential: 'session:another' };
    const theirs = outcome(hasher.verify(hash, 'x', sameAddress)).then((r) => (done.push('b'), r));
    expect(await Promise.all(mine)).toEqual([
      'hashed',
      'hashed',
      'hashed',
      '429 rate_limited retry-after 1',
      '429 rate_limited retry-after 1',
    ]);
    expect(await theirs).toBe('hashed');
    expect(done.filter((d) => !['a3', 'a4'].includes(d)).indexOf('b')).toBeLessThanOrEqual(2);
    // The address's share caps all its sessions together.
    const many = Array.from({ length: 10 }, (_, i) =>
      outcome(hasher.verify(hash, 'x', { ip: sessionA.ip, credential: `session:s${i}` })),
    );
    const results = await Promise.all(many);
    expect(results.filter((r) => r === 'hashed')).toHaveLength(8);
    expect(hasher.queueDepth()).toBe(0);
    // Work without an address (the CLI) is the operator's and is never refused.
    const cli = await Promise.all(Array.from({ length: 12 }, () => outcome(hasher.verify(hash, 'x'))));
    expect(cli.every((r) => r === 'hashed')).toBe(true);
  });

  it('SEC-PS-02: a sign-in from elsewhere is served ahead of a 30-request sign-in flood from one address', async () => {
    const hasher = createArgon2Hasher(PRODUCTION_ARGON2, 1);
    const t = await buildTestApp({ hasher });
    const victim = await seedUser(t, { email: 'flooded@example.test', name: 'Flo Oded' });
    const user = await seedUser(t, { email: 'elsewhere@example.test', name: 'Else Where' });
    let settled = 0;
    const flood = Array.from({ length: 30 }, (_, i) =>
      t.app
        .inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          remoteAddress: '203.0.113.9',
          payload: { email: victim.email, password: `wrong password attempt ${i}` },
        })
        .then((res) => {
          settled += 1;
          return res;
        }),
    );
    // Wait (without sleeping: one event-loop turn at a time) until the flood is queued behind the hasher.
    for (let i = 0; i < 500_000 && hasher.queueDepth() < 10; i += 1)
      await new Promise((resolve) => setImmediate(resolve));
    expect(hasher.queueDepth()).toBeGreaterThanOrEqual(10);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      remoteAddress: '198.51.100.20',
      payload: { email: user.email, password: user.password },
    });
    expect(ok.statusCode).toBe(200);
    const settledWhenServed = settled;
    const results = await Promise.all(flood);
    expect(settledWhenServed).toBeLessThanOrEqual(5);
    expect(results.map((r) => r.statusCode)).toEqual(Array(30).fill(401));
  });
});
