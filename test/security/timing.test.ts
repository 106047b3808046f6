import { describe, expect, it } from 'vitest';
import { clearAccountThrottle } from '../../src/modules/throttle/index.js';
import { createArgon2Hasher, PRODUCTION_ARGON2 } from '../../src/modules/passwords/index.js';
import { buildTestApp, request, seedUser, signIn } from '../harness.js';

/*
 * The statistical half of SEC-ENUM-01 (the deterministic half, one verify per path and byte-identical
 * answers, is in enumeration.test.ts): with the production argon2id parameters, so that the hash
 * dominates as it does in a real deployment, sign-in takes as long for an unknown email, a deactivated
 * account, a locked account and an expired temporary password as for a wrong password.
 *
 * Robust on a loaded machine: a warm-up round first, then 50 rounds in which every case is sampled
 * once, each round starting at a different case (round-robin), so that drift in machine load hits
 * every case alike; medians, not means. Every request comes from its own client IP, so the per-IP
 * limit (SEC-BF-04) never answers 429; the per-account counters of the accounts that must *not* be
 * locked are cleared after each round, so that only the locked account is locked.
 */

const SAMPLES = 50;
const HOUR = 3_600_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

describe('SEC-ENUM-01: sign-in timing', () => {
  it('SEC-ENUM-01: unknown email, deactivated, locked and expired-temporary sign-ins take as long as a wrong password (50 interleaved samples each; medians within max(10 %, 25 ms))', async () => {
    const t = await buildTestApp({ hasher: createArgon2Hasher(PRODUCTION_ARGON2, 2) });
    const admin = await seedUser(t, { role: 'admin' });
    const adminCookie = await signIn(t, admin.email, admin.password);

    const wrong = await seedUser(t, { email: 'timing.wrong@example.test' });
    const deactivated = await seedUser(t, { email: 'timing.gone@example.test' });
    const locked = await seedUser(t, { email: 'timing.locked@example.test' });
    const expiring = await seedUser(t, { email: 'timing.expired@example.test' });

    expect(
      (await request(t, adminCookie, { method: 'POST', url: `/api/v1/users/${deactivated.id}/deactivate` }))
        .statusCode,
    ).toBe(200);
    const temporary = 'amber quietly meadow lanterns';
    expect(
      (
        await request(t, adminCookie, {
          method: 'POST',
          url: `/api/v1/users/${expiring.id}/password`,
          payload: { password: temporary },
        })
      ).statusCode,
    ).toBe(200);
    t.clock.advance(73 * HOUR); // the temporary password has expired (SEC-TMP-03)

    let ipCounter = 0;
    const nextIp = () => {
      ipCounter += 1;
      return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
    };
    const attempt = (email: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password },
        remoteAddress: nextIp(),
      });

    // Ten failures lock the account (SEC-BF-01); the clock then stands still, so it stays locked.
    for (let i = 0; i < 10; i += 1) {
      expect((await attempt(locked.email, `wrong guess number ${i}`)).statusCode).toBe(401);
    }

    let unknown = 0;
    const cases: Array<{ label: string; email: () => string; password: string }> = [
      { label: 'wrong password', email: () => wrong.email, password: 'not the right password at all' },
      // A fresh unknown address each time: nothing about it is ever cached or counted.
      {
        label: 'unknown email',
        email: () => `nobody-${(unknown += 1)}@example.test`,
        password: 'whatever you like 123',
      },
      {
        label: 'deactivated account (right password)',
        email: () => deactivated.email,
        password: deactivated.password,
      },
      { label: 'locked account (right password)', email: () => locked.email, password: locked.password },
      { label: 'expired temporary password', email: () => expiring.email, password: temporary },
    ];
    const samples = new Map(cases.map((c) => [c.label, [] as number[]]));
    const bodies = new Set<string>();

    for (let round = -1; round < SAMPLES; round += 1) {
      for (let k = 0; k < cases.length; k += 1) {
        const c = cases[(k + Math.max(round, 0)) % cases.length] as (typeof cases)[number];
        const email = c.email();
        const started = process.hrtime.bigint();
        const res = await attempt(email, c.password);
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        expect(res.statusCode, c.label).toBe(401);
        bodies.add(res.body);
        if (round >= 0) samples.get(c.label)?.push(elapsedMs);
      }
      // Only the locked account may be locked: the others' failure counts start again every round.
      for (const account of [wrong, deactivated, expiring])
        await clearAccountThrottle(t.db.db, account.email);
    }

    // Still locked at the end: the locked case measured a lockout throughout.
    const stillLocked = await attempt(locked.email, locked.password);
    expect(stillLocked.statusCode).toBe(401);
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0] as string)).toEqual({
      error: { code: 'invalid_credentials', message: expect.any(String) },
    });

    const medians = Object.fromEntries([...samples].map(([label, values]) => [label, median(values)]));
    const reference = medians['wrong password'] as number;
    const allowed = Math.max(0.1 * reference, 25);
    const report = Object.entries(medians)
      .map(([label, m]) => `${label}: ${m.toFixed(1)} ms (gap ${(m - reference).toFixed(1)} ms)`)
      .join('; ');
    for (const [label, values] of samples) {
      expect(values.length, label).toBe(SAMPLES);
      expect(
        Math.abs((medians[label] as number) - reference),
        `${report}; allowed ±${allowed.toFixed(1)} ms`,
      ).toBeLessThanOrEqual(allowed);
    }
  }, 300_000);
});
