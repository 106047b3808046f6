import { describe, expect, it } from 'vitest';
import { buildTestApp, request, signedIn, type TestApp } from '../harness.js';

/**
 * Issue 14, item 1: what the console needs when mail only reaches the log. GET /api/v1/mail (transport,
 * newest error, counts), POST /api/v1/mail/test, the Outbox list and Retry failed, and Copy link for
 * pending invitations (a new link, shown once; the mailed one stops working).
 */

const code = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

async function invite(t: TestApp, cookie: string, email: string, name?: string) {
  const res = await request(t, cookie, {
    method: 'POST',
    url: '/api/v1/invitations',
    payload: { email, role: 'member', ...(name ? { name } : {}) },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { invitation: { id: string } }).invitation.id;
}

describe('mail status, test mail and the outbox', () => {
  it('reports the log transport without SMTP_URL; a test mail is queued to the admin and listed', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const status = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/mail?check=true' });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ transport: 'log', check: 'ok', lastError: null });

    const sent = await request(t, admin.cookie, { method: 'POST', url: '/api/v1/mail/test', payload: {} });
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({ to: admin.email });
    const list = await request(t, admin.cookie, {
      method: 'GET',
      url: '/api/v1/outbox/messages?status=queued',
    });
    const items = (list.json() as { items: Array<{ to: string; template: string; status: string }> }).items;
    expect(items).toContainEqual(
      expect.objectContaining({ to: admin.email, template: 'test', status: 'queued' }),
    );
    // No body ever leaves through the list (it may hold a link with a token).
    expect(list.body).not.toContain('textBody');
    expect(list.body).not.toContain('token=');
  });

  it('pages the outbox newest first with a keyset cursor; a forged cursor is 400 invalid_cursor', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    for (let i = 0; i < 5; i += 1) {
      await request(t, admin.cookie, {
        method: 'POST',
        url: '/api/v1/mail/test',
        payload: { to: `page${i}@example.test` },
      });
      t.clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(t, admin.cookie, {
        method: 'GET',
        url: `/api/v1/outbox/messages?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      });
      const page = res.json() as { items: Array<{ to: string }>; nextCursor: string | null };
      seen.push(...page.items.map((m) => m.to));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((to) => to.startsWith('page'))).toEqual(
      [4, 3, 2, 1, 0].map((i) => `page${i}@example.test`),
    );
    const bad = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/outbox/messages?cursor=nope' });
    expect(bad.statusCode).toBe(400);
    expect(code(bad)).toBe('invalid_cursor');
  });

  it('Retry failed queues failed messages again; the newest error is reported', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/mail/test',
      payload: { to: 'x@example.test' },
    });
    await t.db.db
      .updateTable('mailOutbox')
      .set({ status: 'failed', lastError: 'connect ECONNREFUSED 127.0.0.1:25' })
      .where('toAddress', '=', 'x@example.test')
      .execute();
    const status = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/mail' });
    expect(status.json()).toMatchObject({
      check: 'unchecked',
      lastError: { message: 'connect ECONNREFUSED 127.0.0.1:25', to: 'x@example.test' },
      counts: { failed: 1 },
    });
    const retry = await request(t, admin.cookie, { method: 'POST', url: '/api/v1/outbox/retry' });
    expect(retry.json()).toEqual({ requeued: 1 });
    const after = await request(t, admin.cookie, { method: 'GET', url: '/api/v1/mail' });
    expect(after.json()).toMatchObject({ counts: { failed: 0 } });
  });

  it('SEC-AZ-01: members get 403 on the mail routes', async () => {
    const t = await buildTestApp();
    const member = await signedIn(t, 'member');
    for (const [method, url] of [
      ['GET', '/api/v1/mail'],
      ['GET', '/api/v1/outbox/messages'],
      ['POST', '/api/v1/outbox/retry'],
    ] as const) {
      expect((await request(t, member.cookie, { method, url })).statusCode).toBe(403);
    }
    const test = await request(t, member.cookie, { method: 'POST', url: '/api/v1/mail/test', payload: {} });
    expect(test.statusCode).toBe(403);
  });
});

describe('Copy link for pending invitations', () => {
  it('SEC-RST-02: issues a new link per invitation, once; the mailed link stops working; audited', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const one = await invite(t, admin.cookie, 'one@example.test', 'One Person');
    const two = await invite(t, admin.cookie, 'two@example.test');
    const mailed = await t.db.db
      .selectFrom('mailOutbox')
      .select('textBody')
      .where('toAddress', '=', 'one@example.test')
      .executeTakeFirstOrThrow();
    const oldToken = /token=([A-Za-z0-9_-]+)/.exec(mailed.textBody ?? '')?.[1] ?? '';

    const res = await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/invitations/links',
      payload: { ids: [one, two] },
    });
    expect(res.statusCode).toBe(200);
    const { links, skipped } = res.json() as {
      links: Array<{ id: string; email: string; name: string | null; link: string }>;
      skipped: unknown[];
    };
    expect(skipped).toEqual([]);
    expect(links.map((l) => [l.email, l.name])).toEqual([
      ['one@example.test', 'One Person'],
      ['two@example.test', null],
    ]);
    const newToken = /token=([A-Za-z0-9_-]+)/.exec(links[0]?.link ?? '')?.[1] ?? '';
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const rows = await t.db.db.selectFrom('invitations').select('tokenHash').execute();
    expect(JSON.stringify(rows)).not.toContain(newToken);

    const lookup = (token: string) =>
      request(t, null, { method: 'GET', url: `/api/v1/invitations/lookup?token=${token}` });
    expect((await lookup(oldToken)).statusCode).toBe(400);
    expect((await lookup(newToken)).statusCode).toBe(200);
    const events = await t.db.db
      .selectFrom('auditEvents')
      .select('targetLabel')
      .where('action', '=', 'invitation.link_copied')
      .execute();
    expect(events.map((e) => e.targetLabel).sort()).toEqual(['one@example.test', 'two@example.test']);
  });

  it('a revoked invitation has no link (409 invitation_not_pending); in a batch it is skipped with its code', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const live = await invite(t, admin.cookie, 'live@example.test');
    const revoked = await invite(t, admin.cookie, 'revoked@example.test');
    await request(t, admin.cookie, { method: 'DELETE', url: `/api/v1/invitations/${revoked}` });
    const single = await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/invitations/links',
      payload: { ids: [revoked] },
    });
    expect(single.statusCode).toBe(409);
    expect(code(single)).toBe('invitation_not_pending');
    const batch = await request(t, admin.cookie, {
      method: 'POST',
      url: '/api/v1/invitations/links',
      payload: { ids: [live, revoked] },
    });
    expect(batch.json()).toMatchObject({
      links: [{ id: live }],
      skipped: [{ id: revoked, code: 'invitation_not_pending' }],
    });
  });

  it('SEC-AZ-01: members cannot copy invitation links, even when members may invite', async () => {
    const t = await buildTestApp();
    const admin = await signedIn(t, 'admin');
    const member = await signedIn(t, 'member');
    const id = await invite(t, admin.cookie, 'someone@example.test');
    const res = await request(t, member.cookie, {
      method: 'POST',
      url: '/api/v1/invitations/links',
      payload: { ids: [id] },
    });
    expect(res.statusCode).toBe(403);
  });
});
