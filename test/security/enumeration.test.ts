import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createArgon2Hasher, type PasswordHasher } from '../../src/modules/passwords/index.js';
import { buildTestApp, request, seedUser, signIn, TEST_ARGON2, type TestApp } from '../harness.js';

/** The real argon2id hasher, counting how often sign-in asks it to verify. */
function countingHasher(): PasswordHasher & { verifies: number; hashes: number } {
  const inner = createArgon2Hasher(TEST_ARGON2, 4);
  const spy = {
    verifies: 0,
    hashes: 0,
    hash(password: string) {
      spy.hashes += 1;
      return inner.hash(password);
    },
    verify(storedHash: string | null, password: string) {
      spy.verifies += 1;
      return inner.verify(storedHash, password);
    },
    needsRehash: (storedHash: string) => inner.needsRehash(storedHash),
    queueDepth: () => inner.queueDepth(),
  };
  return spy;
}

const HOUR = 3_600_000;

describe('no account enumeration at sign-in', () => {
  /*
   * Deterministic half of SEC-ENUM-01: every failure path does exactly one password verification and
   * answers byte-for-byte the same.
   */
  it('SEC-ENUM-01: unknown email, wrong password, deactivated, locked account and expired temporary password: one verify each, one identical 401', async () => {
    const hasher = countingHasher();
    const t: TestApp = await buildTestApp({ hasher });
    const admin = await seedUser(t, { email: 'enum.admin@example.test', name: 'Rhea Admin', role: 'admin' });
    const adminCookie = await signIn(t, admin.email, admin.password);

    const active = await seedUser(t, { email: 'active@example.test', name: 'Act Ive' });
    const deactivated = await seedUser(t, { email: 'gone@example.test', name: 'Dee Activated' });
    expect(
      (await request(t, adminCookie, { method: 'POST', url: `/api/v1/users/${deactivated.id}/deactivate` }))
        .statusCode,
    ).toBe(200);
    const expiring = await seedUser(t, { email: 'expired@example.test', name: 'Tem Porary' });
    const temporary = 'amber quietly meadow lanterns';
    const reset = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${expiring.id}/password`,
      payload: { password: temporary },
    });
    expect(reset.statusCode).toBe(200);
    t.clock.advance(73 * HOUR);
    // Locked by 10 failed sign-ins (SEC-BF-01), each from its own address; the lockout lasts a minute.
    const locked = await seedUser(t, { email: 'locked@example.test', name: 'Lock Ed' });
    for (let i = 0; i < 10; i += 1) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: locked.email, password: `wrong guess number ${i}` },
        remoteAddress: `198.51.100.${i + 1}`,
      });
      expect(res.statusCode).toBe(401);
    }

    const cases: Array<[string, string, string]> = [
      ['unknown email', 'nobody-here@example.test', 'whatever password you like'],
      ['wrong password', active.email, 'not the right password at all'],
      ['deactivated, right password', deactivated.email, deactivated.password],
      ['deactivated, wrong password', deactivated.email, 'not the right password at all'],
      ['expired temporary password', expiring.email, temporary],
      ['locked, right password', locked.email, locked.password],
      ['locked, wrong password', locked.email, 'not the right password at all'],
      ['unknown email, differently cased', 'NoBody-Here@Example.test', 'whatever password you like'],
    ];
    const answers: Array<[string, LightMyRequestResponse]> = [];
    for (const [label, email, password] of cases) {
      hasher.verifies = 0;
      hasher.hashes = 0;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password },
      });
      expect(hasher.verifies, label).toBe(1);
      expect(hasher.hashes, label).toBe(0);
      answers.push([label, res]);
    }

    const [, first] = answers[0] as [string, LightMyRequestResponse];
    expect(first.statusCode).toBe(401);
    expect(first.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    for (const [label, res] of answers) {
      expect(res.statusCode, label).toBe(401);
      expect(res.body, label).toBe(first.body);
      expect(res.headers['content-type'], label).toBe(first.headers['content-type']);
      expect(res.headers['content-length'], label).toBe(first.headers['content-length']);
      expect(res.headers['set-cookie'], label).toBeUndefined();
    }

    // For contrast, a successful sign-in also costs one verify (and no rehash at current parameters).
    hasher.verifies = 0;
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: active.email, password: active.password },
    });
    expect(ok.statusCode).toBe(200);
    expect(hasher.verifies).toBe(1);
  });
});
