import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, signedIn, type TestApp } from '../harness.js';
import { enrollTotp } from '../mfa/helpers.js';
import { addPasskey, authenticatorFor } from '../mfa/passkeys.js';

/*
 * PATCH /api/v1/me/factors/{id} (issue 13: named passkeys and authenticator apps): the owner renames
 * a factor; bad names are refused naming the field, others' factors are not found, tokens cannot.
 */
interface Factor {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp?: boolean;
}

describe('renaming a factor', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signedIn>>;
  let totpId: string;
  let passkeyId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signedIn(t);
    totpId = (await enrollTotp(t, owner.cookie)).factorId;
    const added = await addPasskey(t, owner.cookie, authenticatorFor(t), { name: 'YubiKey' });
    expect(added.statusCode, added.body).toBe(201);
    passkeyId = added.json<{ factor: Factor }>().factor.id;
  });

  const rename = (cookie: string | null, id: string, payload: unknown, headers = {}) =>
    request(t, cookie, {
      method: 'PATCH',
      url: `/api/v1/me/factors/${id}`,
      payload: payload as object,
      headers,
    });

  const factors = async () =>
    (await request(t, owner.cookie, { method: 'GET', url: '/api/v1/me/factors' })).json<{
      totp: Factor[];
      passkeys: Factor[];
    }>();

  const renamedEvents = () =>
    t.db.db
      .selectFrom('auditEvents')
      .select(['actorId', 'targetId', 'details'])
      .where('action', '=', 'mfa.factor_renamed')
      .orderBy('id')
      .execute();

  it('renames a passkey and an authenticator app: 200 with the factor, listed so, audited', async () => {
    const passkey = await rename(owner.cookie, passkeyId, { name: '  Work laptop  ' });
    expect(passkey.statusCode, passkey.body).toBe(200);
    const view = passkey.json<Factor>();
    expect(view).toMatchObject({ id: passkeyId, name: 'Work laptop', backedUp: false, lastUsedAt: null });
    expect(Object.keys(view).sort()).toEqual(['backedUp', 'createdAt', 'id', 'lastUsedAt', 'name']);

    const app = await rename(owner.cookie, totpId, { name: 'Téléphone de Zoé' });
    expect(app.statusCode, app.body).toBe(200);
    expect(app.json<Factor>()).toMatchObject({ id: totpId, name: 'Téléphone de Zoé' });

    const list = await factors();
    expect(list.passkeys.map((f) => f.name)).toEqual(['Work laptop']);
    expect(list.totp.map((f) => f.name)).toEqual(['Téléphone de Zoé']);
    const events = await renamedEvents();
    expect(events.map((e) => JSON.parse(e.details))).toEqual([
      { kind: 'passkey', factorId: passkeyId, from: 'YubiKey', to: 'Work laptop' },
      { kind: 'totp', factorId: totpId, from: 'Authenticator app', to: 'Téléphone de Zoé' },
    ]);
    expect(events.every((e) => e.actorId === owner.id && e.targetId === owner.id)).toBe(true);
  });

  it('the same name again changes nothing and writes no event', async () => {
    const before = (await renamedEvents()).length;
    const res = await rename(owner.cookie, passkeyId, { name: 'Work laptop' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Factor>().name).toBe('Work laptop');
    expect(await renamedEvents()).toHaveLength(before);
  });

  it('SEC-IN-03: an empty, too long, control, bidi or zero-width name → 400 validation_failed naming the field; nothing changes', async () => {
    const before = await factors();
    for (const name of [
      '',
      '   ',
      'x'.repeat(65),
      'line\nbreak',
      'tab\there',
      'nul\u0000',
      'evil\u202Egnp.exe',
      '\uFEFFhidden',
      'zero\u200Bwidth',
      42,
      null,
    ]) {
      const res = await rename(owner.cookie, passkeyId, { name });
      expect(res.statusCode, `${JSON.stringify(name)}: ${res.body}`).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', field: 'name' });
    }
    for (const payload of [{}, { name: 'ok', extra: true }]) {
      const res = await rename(owner.cookie, passkeyId, payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    // 64 characters is the limit, and is accepted.
    expect((await rename(owner.cookie, totpId, { name: 'y'.repeat(64) })).statusCode).toBe(200);
    expect((await rename(owner.cookie, totpId, { name: 'Téléphone de Zoé' })).statusCode).toBe(200);
    expect(await factors()).toEqual(before);
  });

  it("someone else's factor, an unknown id or a pending authenticator → 404 factor_not_found; nothing changes", async () => {
    const other = await signedIn(t);
    for (const id of [passkeyId, totpId]) {
      const res = await rename(other.cookie, id, { name: 'Mine now' });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('factor_not_found');
    }
    expect((await rename(owner.cookie, 'no-such-factor', { name: 'x' })).statusCode).toBe(404);
    // An authenticator app that was started but never confirmed is not listed, so not renamed either.
    const started = await request(t, other.cookie, { method: 'POST', url: '/api/v1/me/factors/totp' });
    expect(started.statusCode, started.body).toBe(201);
    const pending = await rename(other.cookie, started.json<{ id: string }>().id, { name: 'x' });
    expect(pending.statusCode).toBe(404);
    expect((await factors()).passkeys.map((f) => f.name)).toEqual(['Work laptop']);
  });

  it('an API token cannot rename a factor (403 session_required), nor can nobody (401)', async () => {
    const created = await request(t, owner.cookie, {
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'script' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const token = created.json<{ token: string }>().token;
    const res = await rename(
      null,
      passkeyId,
      { name: 'Token was here' },
      { authorization: `Bearer ${token}` },
    );
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('session_required');
    const anonymous = await rename(null, passkeyId, { name: 'Anonymous' });
    expect(anonymous.statusCode).toBe(401);
    expect((await factors()).passkeys.map((f) => f.name)).toEqual(['Work laptop']);
  });

  it('needs no recent authentication (a name opens nothing): works 11 minutes after sign-in', async () => {
    t.clock.advance(11 * 60_000);
    const res = await rename(owner.cookie, passkeyId, { name: 'Desk key' });
    expect(res.statusCode, res.body).toBe(200);
    // Adding a factor at the same moment does ask (SEC-MFA-07).
    const add = await request(t, owner.cookie, { method: 'POST', url: '/api/v1/me/factors/totp' });
    expect(add.statusCode).toBe(403);
    expect(add.json().error.code).toBe('reauthentication_required');
  });
});
