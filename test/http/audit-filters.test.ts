import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signIn, STRONG_PASSWORD, type TestApp } from '../harness.js';

/**
 * Issue 14, Minor: the audit filters match partial names and emails and have an "until" beside
 * "since"; the export takes the same filters.
 */

interface EventJson {
  action: string;
  at: string;
  actor: { id: string | null; label: string };
  target: { id: string | null; label: string | null };
}

describe('audit filters', () => {
  let t: TestApp;
  let adminCookie: string;
  let adminId: string;

  const list = async (query: Record<string, string>) => {
    const res = await request(t, adminCookie, {
      method: 'GET',
      url: `/api/v1/audit-events?${new URLSearchParams({ limit: '200', ...query })}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: EventJson[] }>().items;
  };

  const create = async (email: string, name: string) => {
    const res = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email, name, role: 'member', password: STRONG_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(201);
  };

  beforeAll(async () => {
    t = await buildTestApp();
    const admin = await seedUser(t, { email: 'olga.admin@example.test', name: 'Olga Admin', role: 'admin' });
    adminId = admin.id;
    adminCookie = await signIn(t, admin.email, admin.password);
    await create('bruno.silva@example.test', 'Bruno Silva');
    t.clock.advance(2 * 60 * 60 * 1000);
    // Two hours idle end the session (SEC-SES-05): sign in again.
    adminCookie = await signIn(t, admin.email, admin.password);
    await create('carla.mendes@example.test', 'Carla Mendes');
  });

  it('a part of the target’s email or name, in any case, finds their events', async () => {
    const byEmail = await list({ targetMatch: 'NO.SIL', action: 'user.created' });
    expect(byEmail.map((e) => e.target.label)).toEqual(['bruno.silva@example.test']);
    // "Mendes" is in the name; the stored label is only the email, so the name comes from the users table.
    const renamed = await list({ targetMatch: 'mendes' });
    expect(renamed.map((e) => e.target.label)).toContain('carla.mendes@example.test');
    expect(renamed.every((e) => e.target.label === 'carla.mendes@example.test')).toBe(true);
  });

  it('a name that is not in the email is matched through the users table', async () => {
    const user = await seedUser(t, { email: 'x7.q@example.test', name: 'Dolores Umbridge' });
    const cookie = await signIn(t, user.email, user.password);
    await request(t, cookie, { method: 'POST', url: '/api/v1/auth/sign-out' });
    const events = await list({ actorMatch: 'umbri' });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.actor.id === user.id)).toBe(true);
  });

  it('an actor’s partial email; wildcards in the text are taken literally', async () => {
    const events = await list({ actorMatch: 'olga.adm' });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.actor.id === adminId)).toBe(true);
    expect(await list({ actorMatch: '%' })).toEqual([]);
    expect(await list({ actorMatch: 'olga_admin' })).toEqual([]);
  });

  it('until: events before a time, with since a window', async () => {
    const all = await list({ action: 'user.created' });
    const carla = all.find((e) => e.target.label === 'carla.mendes@example.test') as EventJson;
    const bruno = all.find((e) => e.target.label === 'bruno.silva@example.test') as EventJson;
    const between = new Date(Date.parse(carla.at) - 60 * 60 * 1000).toISOString();
    const labels = async (query: Record<string, string>) =>
      (await list({ action: 'user.created', ...query })).map((e) => e.target.label);
    const before = await labels({ until: between });
    expect(before).toContain('bruno.silva@example.test');
    expect(before).not.toContain('carla.mendes@example.test');
    const after = await labels({ since: between });
    expect(after).toContain('carla.mendes@example.test');
    expect(after).not.toContain('bruno.silva@example.test');
    expect(await list({ since: between, until: bruno.at })).toEqual([]);
    const bad = await request(t, adminCookie, { method: 'GET', url: '/api/v1/audit-events?until=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('until');
  });

  it('the export takes the same filters, and records them', async () => {
    const res = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/audit-events/export',
      payload: { format: 'jsonl', targetMatch: 'carla', action: 'user.created' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const lines = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as EventJson);
    expect(lines.map((e) => e.target.label)).toEqual(['carla.mendes@example.test']);
    const [exported] = await list({ action: 'audit.exported' });
    expect(exported).toMatchObject({ action: 'audit.exported' });
  });
});
