import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/index.js';
import { buildTestApp, request, signedIn, type TestApp } from '../harness.js';

/*
 * Audit-log flooding (issue 10, item 5): refusals a caller can repeat at will are counted per window
 * (one event for the first, one with the count for the rest), so the log grows at a bounded rate
 * whatever the caller sends, and the counts still add up to the requests made.
 */

const MINUTE = 60_000;

interface StoredEvent {
  id: number;
  action: string;
  outcome: string;
  actorId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

async function eventsOf(t: TestApp, action: string, actorId: string): Promise<StoredEvent[]> {
  const rows = await t.db.db
    .selectFrom('auditEvents')
    .select(['id', 'action', 'outcome', 'actorId', 'requestId', 'details'])
    .where('action', '=', action)
    .where('actorId', '=', actorId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}

/** The requests an event stands for: `details.count`, or 1 for an event written on its own. */
const requestsOf = (e: StoredEvent) => (typeof e.details.count === 'number' ? e.details.count : 1);

/** `n` requests at once, in batches (concurrent requests must be counted exactly too). */
async function flood(t: TestApp, cookie: string, method: 'GET' | 'POST', url: string, n: number) {
  for (let done = 0; done < n; done += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - done) }, () =>
        request(t, cookie, { method, url, ...(method === 'POST' ? { payload: {} } : {}) }),
      ),
    );
    for (const res of batch) expect(res.statusCode).toBe(403);
  }
}

/**
 * The floods here send 50 requests at once from one session, more than one credential may have in
 * progress (MAX_IN_FLIGHT_PER_CREDENTIAL, SEC-PS-02, tested on its own): raised, so that every request
 * reaches the authorization check whose refusals are counted.
 */
const FLOOD_ENV = { env: { MAX_IN_FLIGHT_PER_CREDENTIAL: '64' } };

describe('SEC-AUD-01: repeated refusals are aggregated and rate-limited', () => {
  it('SEC-AUD-01: a flood of 403s from one viewer writes a bounded number of events whose counts add up to the requests', async () => {
    const t = await buildTestApp(FLOOD_ENV);
    const viewer = await signedIn(t, 'viewer');
    const admin = await signedIn(t, 'admin');
    const start = t.clock.now();

    // Window 1: 300 refused list requests and 100 refused user creations; window 2: 200 more lists.
    await flood(t, viewer.cookie, 'GET', '/api/v1/users', 300);
    await flood(t, viewer.cookie, 'POST', '/api/v1/users', 100);
    // Meanwhile an admin's change is audited as usual, and at once.
    const renamed = await request(t, admin.cookie, {
      method: 'PATCH',
      url: `/api/v1/users/${viewer.id}`,
      payload: { name: 'Vera Viewer' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(await eventsOf(t, 'user.renamed', admin.id)).toHaveLength(1);
    // So far only the first refusal of each route is stored: the rest are being counted.
    expect((await eventsOf(t, 'authorization.denied', viewer.id)).map((e) => e.details)).toEqual([
      { method: 'GET', route: '/api/v1/users' },
      { method: 'POST', route: '/api/v1/users' },
    ]);

    t.clock.advance(MINUTE);
    await flood(t, viewer.cookie, 'GET', '/api/v1/users', 200);
    await t.app.auditRepeats.flush(true);

    const events = await eventsOf(t, 'authorization.denied', viewer.id);
    // Per route and window: the first refusal, then one event with the count of the rest.
    expect(events.map((e) => [e.details.method, e.details.route, requestsOf(e)])).toEqual([
      ['GET', '/api/v1/users', 1],
      ['POST', '/api/v1/users', 1],
      ['GET', '/api/v1/users', 299],
      ['POST', '/api/v1/users', 99],
      ['GET', '/api/v1/users', 1],
      ['GET', '/api/v1/users', 199],
    ]);
    expect(events.reduce((sum, e) => sum + requestsOf(e), 0)).toBe(600);
    for (const e of events) expect(e.outcome).toBe('denied');
    const summary = events[2];
    expect(summary?.details).toMatchObject({
      count: 299,
      firstAt: new Date(start).toISOString(),
      lastAt: new Date(start).toISOString(),
    });
    // The summary carries the last refused request's id, like any event.
    expect(summary?.requestId).toEqual(expect.any(String));
    // Still one unbroken chain.
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: true });
  });

  it('SEC-AUD-01: the log grows at a bounded rate: at most two events per actor, route and minute, however many requests', async () => {
    const t = await buildTestApp(FLOOD_ENV);
    const viewer = await signedIn(t, 'viewer');
    const routes = ['/api/v1/users', '/api/v1/audit-events', '/api/v1/outbox'];
    let sent = 0;
    for (let minute = 0; minute < 5; minute += 1) {
      for (const url of routes) {
        await flood(t, viewer.cookie, 'GET', url, 100);
        sent += 100;
      }
      t.clock.advance(MINUTE);
    }
    await t.app.auditRepeats.flush(true);
    const events = await eventsOf(t, 'authorization.denied', viewer.id);
    expect(events.length).toBeLessThanOrEqual(2 * routes.length * 5);
    expect(events.length).toBe(30);
    expect(events.reduce((sum, e) => sum + requestsOf(e), 0)).toBe(sent);
  });

  it('SEC-AUD-01: counts of windows that ended are written by the next refusal, and by shutting down, without any flush call', async () => {
    const t = await buildTestApp(FLOOD_ENV);
    const viewer = await signedIn(t, 'viewer');
    const member = await signedIn(t, 'member');
    await flood(t, viewer.cookie, 'GET', '/api/v1/users', 20);
    expect(await eventsOf(t, 'authorization.denied', viewer.id)).toHaveLength(1);
    // A minute later someone else's refusal sweeps the ended window of the viewer.
    t.clock.advance(MINUTE);
    await flood(t, member.cookie, 'GET', '/api/v1/users', 3);
    expect((await eventsOf(t, 'authorization.denied', viewer.id)).map(requestsOf)).toEqual([1, 19]);
    // Counts of open windows are written when the server shuts down.
    await t.app.close();
    expect((await eventsOf(t, 'authorization.denied', member.id)).map(requestsOf)).toEqual([1, 2]);
  });

  it('SEC-AUD-01: refused invitations from a member are aggregated the same way', async () => {
    const t = await buildTestApp(FLOOD_ENV);
    const member = await signedIn(t, 'member');
    for (let i = 0; i < 40; i += 1) {
      const res = await request(t, member.cookie, {
        method: 'POST',
        url: '/api/v1/invitations',
        payload: { email: `flood${i}@example.test`, role: 'member' },
      });
      expect(res.statusCode).toBe(403);
    }
    await t.app.auditRepeats.flush(true);
    const events = await eventsOf(t, 'authorization.denied', member.id);
    expect(events.map(requestsOf)).toEqual([1, 39]);
    expect(events[0]?.details).toEqual({
      action: 'invitation.create',
      inviterRole: 'member',
      role: 'member',
    });
    expect(await t.db.db.selectFrom('invitations').select('id').execute()).toEqual([]);
  });
});
