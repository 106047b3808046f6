import { connect, type Socket } from 'node:net';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { describe, expect, it } from 'vitest';
import { registerAccessGuard } from '../../src/http/access-guard.js';
import { DeadCredentials } from '../../src/http/dead-credentials.js';
import { registerErrorHandling } from '../../src/http/error-handler.js';
import type { Principal } from '../../src/modules/users/index.js';
import { buildTestApp, seedUser, signIn, STRONG_PASSWORD } from '../harness.js';

/*
 * One session flooding the server (issue 10, item 1): its requests are capped in flight before any
 * database work, and a credential once refused is refused again without a database round trip, so
 * the flood cannot make everyone else's requests wait (SEC-PS-02).
 */

/** A request whose headers are complete and whose body never arrives: it stays in progress. */
function heldRequest(
  port: number,
  cookieHeader: string,
): Promise<{ socket: Socket; answer: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const answer = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      socket.write(
        'POST /api/v1/me/password HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          `Origin: http://localhost:8080\r\nCookie: ${cookieHeader}\r\nContent-Length: 1000\r\n\r\n{`,
      );
      resolve({ socket, answer });
    });
  });
}

describe('a flood from one credential', () => {
  it('SEC-PS-02: one session holds at most MAX_IN_FLIGHT_PER_CREDENTIAL requests in progress; more are answered 429 without database work, and others are served', async () => {
    const t = await buildTestApp({ env: { MAX_IN_FLIGHT_PER_CREDENTIAL: '4', FLOOD_PAUSE_MS: '200' } });
    const viewer = await seedUser(t, { email: 'flood-viewer@example.test', role: 'viewer' });
    const other = await seedUser(t, { email: 'flood-other@example.test', role: 'viewer' });
    const viewerCookie = await signIn(t, viewer.email, STRONG_PASSWORD);
    const otherCookie = await signIn(t, other.email, STRONG_PASSWORD);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening on TCP');

    // Every request goes over TCP like the held ones, so all of them queue in the same server loop.
    const me = async (cookie: string) => {
      const res = await fetch(`http://127.0.0.1:${address.port}/api/v1/me`, { headers: { cookie } });
      return {
        statusCode: res.status,
        headers: { 'retry-after': res.headers.get('retry-after') },
        json: () => res.json(),
      };
    };
    const held = [];
    for (let i = 0; i < 4; i += 1) held.push(await heldRequest(address.port, viewerCookie));
    // The requests are in progress once the server has seen their headers; wait until it has.
    await expect
      // Generous: on a busy machine the server may take a while to read the held requests' headers.
      .poll(async () => (await me(viewerCookie)).statusCode, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(429);
    const refused = await me(viewerCookie);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');

    // Another user's session is not affected by this one's flood.
    expect((await me(otherCookie)).statusCode).toBe(200);

    // A held request that ends gives its place back.
    held[0]?.socket.destroy();
    await held[0]?.answer;
    await expect
      // Generous: on a busy machine the server may take a while to read the held requests' headers.
      .poll(async () => (await me(viewerCookie)).statusCode, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(200);
    for (const h of held.slice(1)) h.socket.destroy();
    await Promise.all(held.map((h) => h.answer));
    expect((await me(viewerCookie)).statusCode).toBe(200);
  });

  it('SEC-PS-02: a refused session or token is refused again without asking the database', async () => {
    const app = Fastify();
    await app.register(cookie);
    registerErrorHandling(app, {});
    const lookups = { session: 0, token: 0 };
    const principal = { id: 'u1', role: 'member', status: 'active', passwordTemporary: false } as Principal;
    registerAccessGuard(app, {
      cookieName: 'sid',
      floodPauseMs: 400,
      resolveSession: (secret) => {
        lookups.session += 1;
        return Promise.resolve(secret === 'live' ? { principal, sessionId: 's1' } : null);
      },
      resolveToken: (token) => {
        lookups.token += 1;
        return Promise.resolve(token === 'livetoken' ? { principal, tokenId: 't1' } : null);
      },
      onForbidden: () => Promise.resolve(),
    });
    app.get('/api/v1/me', () => ({ ok: true }));
    const get = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/api/v1/me', headers });

    for (let i = 0; i < 5; i += 1) expect((await get({ cookie: 'sid=ended' })).statusCode).toBe(401);
    expect(lookups.session).toBe(1);
    for (let i = 0; i < 5; i += 1)
      expect((await get({ authorization: 'Bearer revoked' })).statusCode).toBe(401);
    expect(lookups.token).toBe(1);
    // A live credential is still looked up fresh on every request (SEC-SES-04: role and status each time).
    for (let i = 0; i < 3; i += 1) expect((await get({ cookie: 'sid=live' })).statusCode).toBe(200);
    expect(lookups.session).toBe(4);

    // Offered again and again, a refused credential is a flood: past 20 refusals each 401 waits the
    // pause, so each of the flood's connections gets about one answer per pause.
    for (let i = 0; i < 16; i += 1) expect((await get({ cookie: 'sid=ended' })).statusCode).toBe(401);
    const started = performance.now();
    expect((await get({ cookie: 'sid=ended' })).statusCode).toBe(401);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(lookups.session).toBe(4);
    await app.close();
  });

  it('remembers a bounded number of refused credentials, forgetting the oldest first and after its time', () => {
    const dead = new DeadCredentials(2, 1000);
    dead.add('a', 0);
    dead.add('b', 0);
    dead.add('c', 0);
    expect(dead.hits('a', 10)).toBe(0);
    expect(dead.hits('b', 10)).toBe(1);
    expect(dead.hits('b', 10)).toBe(2);
    expect(dead.hits('c', 10)).toBe(1);
    expect(dead.hits('c', 1001)).toBe(0);
  });
});
