import { describe, expect, it } from 'vitest';
import { issueSetupLink } from '../../src/modules/auth/index.js';
import { sha256Hex } from '../../src/shared/crypto.js';
import { buildTestApp, STRONG_PASSWORD } from '../harness.js';

const DAY = 24 * 3_600_000;

describe('first-run setup token', () => {
  it('SEC-RST-03: the setup token stays valid until used (no expiry), then never works again', async () => {
    const t = await buildTestApp();
    const link = await issueSetupLink(t.deps);
    expect(link).toMatch(/^http:\/\/localhost:8080\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(link as string).searchParams.get('token') as string;

    // SEC-RST-02: only the SHA-256 is stored.
    const rows = await t.db.db.selectFrom('setupTokens').selectAll().execute();
    expect(rows.map((r) => r.tokenHash)).toEqual([sha256Hex(token)]);

    t.clock.advance(90 * DAY);
    const body = { token, email: 'first.admin@example.test', name: 'First Admin', password: STRONG_PASSWORD };
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });
    expect(first.statusCode).toBe(201);
    expect(first.json().user.role).toBe('admin');
    expect(await t.db.db.selectFrom('setupTokens').selectAll().execute()).toEqual([]);

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...body, email: 'second.admin@example.test' },
    });
    expect(again.statusCode).toBe(404);
    expect(await issueSetupLink(t.deps)).toBeNull();
  });

  it('SEC-RST-03: a wrong setup token is refused with the generic invalid_token and creates nobody', async () => {
    const t = await buildTestApp();
    await issueSetupLink(t.deps);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { token: 'x'.repeat(43), email: 'a@example.test', name: 'A', password: STRONG_PASSWORD },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_token');
    expect(await t.db.db.selectFrom('users').selectAll().execute()).toEqual([]);
  });
});
