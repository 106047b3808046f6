import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  openDatabase,
  seedUser,
  signIn,
  sleep,
  startGatehouse,
  type GatehouseProcess,
} from '../scale/process.js';
import { startTeamApp } from './team-app-process.js';

/*
 * examples/team-app against a real `gatehouse serve` (SQLite file), both real processes over TCP, a
 * cookie-keeping client standing in for the browser: sign in through Gatehouse, see the name and
 * role, and be signed out of the app by the back-channel logout when signing out of Gatehouse, and
 * when an admin deactivates the user. The Chromium run of the same story: test/browser/oidc.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-team-app-'));
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  rmSync(dir, { recursive: true, force: true });
});

class Client {
  readonly cookies = new Map<string, string>();
  async get(
    url: string,
    method = 'GET',
    body?: string,
  ): Promise<{ url: string; status: number; text: string }> {
    let current = url;
    let init: RequestInit = {
      method,
      ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
    };
    for (let i = 0; i < 15; i += 1) {
      const res = await fetch(current, {
        ...init,
        redirect: 'manual',
        headers: {
          ...(init.headers as Record<string, string>),
          cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [name, ...rest] = (pair ?? '').split('=');
        if (!name) continue;
        if (rest.join('') === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
        else this.cookies.set(name, rest.join('='));
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).href.replace('//localhost:', '//127.0.0.1:');
        init = { method: 'GET' };
        continue;
      }
      return { url: current, status: res.status, text: await res.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** Back-channel logouts are delivered by the server's timer (every 2 s): wait for this one, bounded. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`never happened: ${what}`);
}

describe('examples/team-app', () => {
  it('SEC-OIDC-05: signs in through Gatehouse, shows name and role; Gatehouse sign-out and deactivation end its session (back-channel)', async () => {
    const databaseUrl = join(dir, 'gatehouse.sqlite');
    const handle = openDatabase(databaseUrl);
    await handle.migrate();
    const admin = await seedUser(handle, { email: 'admin@team.test', role: 'admin' });
    const member = await seedUser(handle, { email: 'member@team.test', name: 'Mia Member', role: 'member' });
    await handle.close();
    const gatehouse: GatehouseProcess = await startGatehouse({ databaseUrl });
    stops.push(() => gatehouse.stop());
    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}`;

    const adminCookie = await signIn(gatehouse.url, admin.email, admin.password);
    const created = await fetch(`${gatehouse.url}/api/v1/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: adminCookie },
      body: JSON.stringify({
        name: 'Team app',
        type: 'web',
        redirectUris: [`${appUrl}/callback`],
        postLogoutRedirectUris: [`${appUrl}/`],
        backchannelLogoutUri: `${appUrl}/backchannel-logout`,
        allowedRoles: ['admin', 'member'],
        firstParty: true,
      }),
    });
    expect(created.status).toBe(201);
    const { app, clientSecret } = (await created.json()) as {
      app: { clientId: string };
      clientSecret: string;
    };
    stops.push(
      await startTeamApp({
        ISSUER: `http://localhost:${gatehouse.port}`,
        CLIENT_ID: app.clientId,
        CLIENT_SECRET: clientSecret,
        PORT: String(appPort),
        APP_URL: appUrl,
      }),
    );

    // Not signed in to Gatehouse: the app's sign-in lands on Gatehouse's sign-in page, with the way back.
    const browser = new Client();
    const toSignIn = await browser.get(`${appUrl}/login`);
    expect(toSignIn.url).toMatch(/\/sign-in\?return=%2Finteraction%2F/);
    const back = decodeURIComponent(new URL(toSignIn.url).searchParams.get('return') ?? '');
    // Sign in as the console does, then follow the way back.
    const signedIn = await browser.get(
      `${gatehouse.url}/api/v1/auth/sign-in`,
      'POST',
      JSON.stringify({ email: member.email, password: member.password }),
    );
    expect(signedIn.status).toBe(200);
    const home = await browser.get(`${gatehouse.url}${back}`);
    expect(home.url).toBe(`${appUrl}/`);
    expect(home.text).toContain('Mia Member');
    expect(home.text).toMatch(/<b id="role">member<\/b>/);

    // Signing out of Gatehouse ends the app's session through the back-channel logout.
    await browser.get(`${gatehouse.url}/api/v1/auth/sign-out`, 'POST', '{}');
    await eventually(
      async () => (await browser.get(`${appUrl}/`)).text.includes('Sign in with Gatehouse'),
      'sign-out reaching the app',
    );

    // Again, then an admin deactivates the member: the app hears of it too.
    await browser.get(
      `${gatehouse.url}/api/v1/auth/sign-in`,
      'POST',
      JSON.stringify({ email: member.email, password: member.password }),
    );
    expect((await browser.get(`${appUrl}/login`)).text).toContain('Mia Member');
    const deactivated = await fetch(`${gatehouse.url}/api/v1/users/${member.id}/deactivate`, {
      method: 'POST',
      headers: { cookie: adminCookie },
    });
    expect(deactivated.status).toBe(200);
    await eventually(
      async () => (await browser.get(`${appUrl}/`)).text.includes('Sign in with Gatehouse'),
      'deactivation reaching the app',
    );
  });
});
