import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createArgon2Hasher, type PasswordHasher } from '../../src/modules/passwords/index.js';
import {
  buildTestApp,
  request,
  seedUser,
  signIn,
  STRONG_PASSWORD,
  TEST_ARGON2,
  type TestApp,
} from '../harness.js';

/**
 * The strength estimator in the policy (issue 14, Minor: password feedback): what zxcvbn-ts rates too
 * or very guessable is refused on every path that sets a password, with the user's own words counting
 * against it, and before any hashing.
 */

const WEAK = 'password1234567';

/** The test hasher, counting the hashes it is asked for. */
function countingHasher(): PasswordHasher & { hashes: number } {
  const inner = createArgon2Hasher(TEST_ARGON2, 4, { perIp: 32, perCredential: 4 });
  const counting = {
    hashes: 0,
    hash: (password: string, caller?: Parameters<PasswordHasher['hash']>[1]) => {
      counting.hashes += 1;
      return inner.hash(password, caller);
    },
    verify: inner.verify.bind(inner),
    needsRehash: inner.needsRehash.bind(inner),
    queueDepth: inner.queueDepth.bind(inner),
  };
  return counting;
}

function expectWeak(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().error.code).toBe('password_too_weak');
}

describe('the strength estimator in the password policy', () => {
  let t: TestApp;
  let hasher: ReturnType<typeof countingHasher>;
  let adminCookie: string;

  beforeAll(async () => {
    hasher = countingHasher();
    t = await buildTestApp({ hasher });
    const admin = await seedUser(t, { email: 'olga.admin@example.test', name: 'Olga Admin', role: 'admin' });
    adminCookie = await signIn(t, admin.email, admin.password);
  });

  it('SEC-PW-05: password1234567 as an admin’s temporary password → 400 password_too_weak before any hash; nothing changes', async () => {
    const user = await seedUser(t, { email: 'tom.temp@example.test', name: 'Tom Temp' });
    const before = hasher.hashes;
    expectWeak(
      await request(t, adminCookie, {
        method: 'POST',
        url: `/api/v1/users/${user.id}/password`,
        payload: { password: WEAK },
      }),
    );
    expectWeak(
      await request(t, adminCookie, {
        method: 'POST',
        url: '/api/v1/users',
        payload: { email: 'new.weak@example.test', name: 'New Weak', role: 'member', password: WEAK },
      }),
    );
    expect(hasher.hashes, 'refused before hashing').toBe(before);
    // The user keeps the old password and no session ended; nobody was created.
    await signIn(t, user.email, user.password);
    const found = await t.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'new.weak@example.test')
      .execute();
    expect(found).toHaveLength(0);
    // A generated temporary password is strong by construction and still works.
    const generated = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { generate: true },
    });
    expect(generated.statusCode, generated.body).toBe(200);
  });

  it('SEC-PW-05: own change, reset link and invitation accept refuse it too', async () => {
    const user = await seedUser(t, { email: 'rita.reset@example.test', name: 'Rita Reset' });
    const cookie = await signIn(t, user.email, user.password);
    expectWeak(
      await request(t, cookie, {
        method: 'POST',
        url: '/api/v1/me/password',
        payload: { currentPassword: user.password, newPassword: WEAK },
      }),
    );

    const link = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password-reset-link`,
      payload: { send: false },
    });
    expect(link.statusCode, link.body).toBe(200);
    const token = new URL(link.json<{ link: string }>().link).searchParams.get('token') as string;
    expectWeak(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/reset-password',
        payload: { token, newPassword: WEAK },
      }),
    );
    // The link was not used up by the refusal.
    const status = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/reset-password/status?token=${encodeURIComponent(token)}`,
    });
    expect(status.statusCode, status.body).toBe(200);

    const invited = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: 'ines.invited@example.test', role: 'member', name: 'Ines Invited' },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const links = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/invitations/links',
      payload: { ids: [invited.json<{ invitation: { id: string } }>().invitation.id] },
    });
    expect(links.statusCode, links.body).toBe(200);
    const invitationLink = links.json<{ links: { link: string }[] }>().links[0]?.link as string;
    const invitationToken = new URL(invitationLink).searchParams.get('token') as string;
    expectWeak(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/invitations/accept',
        payload: { token: invitationToken, name: 'Ines Invited', password: WEAK },
      }),
    );
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invitationToken, name: 'Ines Invited', password: STRONG_PASSWORD },
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
  });

  it('SEC-PW-06: the user’s own words count against the estimate: the name reversed or in l33t is refused for its owner only', async () => {
    const owner = await seedUser(t, { email: 'zephyrine.quixote@example.test', name: 'Zephyrine Quixote' });
    const other = await seedUser(t, { email: 'noor.haddad@example.test', name: 'Noor Haddad' });
    // Neither contains a context word as written, so only the estimator can see them.
    for (const password of ['eniryhpezetoxiuq', 'z3phyr1n3qu1x0t3']) {
      expectWeak(
        await request(t, adminCookie, {
          method: 'POST',
          url: `/api/v1/users/${owner.id}/password`,
          payload: { password },
        }),
      );
      const elsewhere = await request(t, adminCookie, {
        method: 'POST',
        url: `/api/v1/users/${other.id}/password`,
        payload: { password },
      });
      expect(elsewhere.statusCode, elsewhere.body).toBe(200);
    }
  });

  it('SEC-PW-06: a reset link’s status names whose account it is (masked address) and the words to avoid', async () => {
    const user = await seedUser(t, { email: 'marta.lind@example.test', name: 'Marta Lind' });
    const link = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password-reset-link`,
      payload: { send: false },
    });
    const token = new URL(link.json<{ link: string }>().link).searchParams.get('token') as string;
    const status = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/reset-password/status?token=${encodeURIComponent(token)}`,
    });
    expect(status.statusCode, status.body).toBe(200);
    const body = status.json<{ account: unknown; contextWords: string[] }>();
    expect(body.account).toEqual({ name: 'Marta Lind', maskedEmail: 'm•••@example.test' });
    expect(body.contextWords).toEqual(expect.arrayContaining(['marta', 'lind', 'marta lind', 'gatehouse']));
    // An unknown token learns nothing.
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/reset-password/status?token=not-a-real-token',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).not.toContain('@');
  });
});

describe('first-run setup', () => {
  it('SEC-PW-05: setup refuses password1234567 too, and the setup link stays usable', async () => {
    const t = await buildTestApp();
    const { issueSetupLink } = await import('../../src/modules/auth/index.js');
    const link = (await issueSetupLink(t.deps)) as string;
    const token = new URL(link).searchParams.get('token') as string;
    expectWeak(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { token, email: 'first.admin@example.test', name: 'First Admin', password: WEAK },
      }),
    );
    const done = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { token, email: 'first.admin@example.test', name: 'First Admin', password: STRONG_PASSWORD },
    });
    expect(done.statusCode, done.body).toBe(201);
  });
});
