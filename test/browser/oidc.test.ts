import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/embedded-postgres.mjs';
import { startTeamApp } from '../oidc/team-app-process.js';
import { sleep } from '../scale/process.js';
import { startBrowserHarness, submitSignIn, type BrowserHarness } from './harness.js';

/*
 * Chromium, the built console on a real server, and examples/team-app as a real process (issue 12):
 * "Sign in with Gatehouse" → Gatehouse's sign-in → the forced change of a temporary password → back in
 * the app, signed in, with name and role; signing out of Gatehouse ends the app's session through the
 * back-channel logout; so does an admin's deactivation.
 */
let h: BrowserHarness;
let appUrl = '';
const stops: Array<() => Promise<void>> = [];
const CHOSEN = 'velvet orchard compass 1984 softly';
/** Back at the app: several redirects across two servers, the app's code exchange and userinfo call. */
const BACK_AT_THE_APP = { timeout: 30_000 };

beforeAll(async () => {
  h = await startBrowserHarness();
  h.server.app.oidc.startDelivery();
}, 60_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await h?.close();
});

describe('signing in to an app through Gatehouse (Chromium)', () => {
  it('SEC-OIDC-05: example app → Gatehouse sign-in with a temporary password → forced change → back in the app; Gatehouse sign-out and deactivation reach the app', async () => {
    const admin = await h.server.seedUser({
      email: 'ada@acme.test',
      name: 'Ada Admin',
      role: 'admin',
      password: CHOSEN,
    });
    const temporary = 'plum river lantern 2031 gently';
    const mia = await h.server.seedUser({
      email: 'mia@acme.test',
      name: 'Mia Member',
      password: temporary,
      temporary: true,
    });
    const signInAdmin = await h.server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: admin.email, password: admin.password },
    });
    const adminCookie = String(signInAdmin.headers['set-cookie']).split(';')[0] ?? '';
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    const created = await h.server.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { cookie: adminCookie },
      payload: {
        name: 'Team app',
        type: 'web',
        redirectUris: [`${appUrl}/callback`],
        postLogoutRedirectUris: [`${appUrl}/`],
        backchannelLogoutUri: `${appUrl}/backchannel-logout`,
        allowedRoles: ['admin', 'member'],
        firstParty: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { app, clientSecret } = created.json<{ app: { clientId: string }; clientSecret: string }>();
    stops.push(
      await startTeamApp({
        ISSUER: h.url,
        CLIENT_ID: app.clientId,
        CLIENT_SECRET: clientSecret,
        PORT: String(port),
        APP_URL: appUrl,
      }),
    );

    const page = await h.newPage();
    await page.goto(appUrl);
    await page.getByRole('link', { name: 'Sign in with Gatehouse' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await submitSignIn(page, mia.email, temporary);
    await page.waitForURL((url) => url.pathname === '/change-password');
    await page.getByLabel('Temporary password', { exact: true }).fill(temporary);
    await page.getByLabel('New password', { exact: true }).fill(CHOSEN);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${appUrl}/`, BACK_AT_THE_APP);
    await page.getByText('Mia Member').waitFor();
    expect(await page.locator('#role').textContent()).toBe('member');

    // Signing out of Gatehouse (its console's sign-out) ends the app's session: back-channel logout.
    await page.goto(`${h.url}/account`);
    await page.evaluate(async () => {
      await fetch('/api/v1/auth/sign-out', { method: 'POST' });
    });
    const signedOutOfApp = async () => {
      for (let i = 0; i < 75; i += 1) {
        await page.goto(appUrl);
        if (await page.getByRole('link', { name: 'Sign in with Gatehouse' }).isVisible()) return;
        await sleep(200);
      }
      throw new Error('the app never heard of the sign-out');
    };
    await signedOutOfApp();

    // Signed in again through the app; then an admin deactivates Mia: the app hears of it too.
    await page.getByRole('link', { name: 'Sign in with Gatehouse' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await submitSignIn(page, mia.email, CHOSEN);
    await page.waitForURL(`${appUrl}/`, BACK_AT_THE_APP);
    await page.getByText('Mia Member').waitFor();
    const deactivated = await h.server.app.inject({
      method: 'POST',
      url: `/api/v1/users/${mia.id}/deactivate`,
      headers: { cookie: adminCookie },
    });
    expect(deactivated.statusCode).toBe(200);
    await signedOutOfApp();
  });

  it('prompt=login: a person signed in to Gatehouse enters the password again on the console’s page, then the app gets its code', async () => {
    const ivo = await h.server.seedUser({
      email: 'ivo@acme.test',
      name: 'Ivo Member',
      password: CHOSEN,
    });
    await h.server.seedUser({ email: 'rui@acme.test', name: 'Rui Admin', role: 'admin', password: CHOSEN });
    const signInAdmin = await h.server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'rui@acme.test', password: CHOSEN },
    });
    const adminCookie = String(signInAdmin.headers['set-cookie']).split(';')[0] ?? '';
    const redirect = 'https://wiki.acme.test/callback';
    const created = await h.server.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { cookie: adminCookie },
      payload: {
        name: 'Wiki',
        type: 'spa',
        redirectUris: [redirect],
        allowedRoles: ['member'],
        firstParty: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const clientId = created.json<{ app: { clientId: string } }>().app.clientId;

    const page = await h.newPage();
    await page.goto(`${h.url}/sign-in`);
    await submitSignIn(page, ivo.email, CHOSEN);
    await page.waitForURL((url) => url.pathname === '/');
    const authorize = `${h.url}/oidc/auth?${new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirect,
      scope: 'openid',
      prompt: 'login',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 'wiki-state',
    })}`;
    await page.goto(authorize);
    await page.waitForURL((url) => url.pathname === '/reauthenticate');
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    expect(page.url()).toContain('/reauthenticate');
    // The app itself is not running: the browser's request to its callback carries the code.
    const toApp = page.waitForRequest((req) => req.url().startsWith(redirect), BACK_AT_THE_APP);
    await page.getByLabel('Password', { exact: true }).fill(CHOSEN);
    await page.getByRole('button', { name: 'Continue' }).click();
    const back = new URL((await toApp).url());
    expect(back.searchParams.get('state')).toBe('wiki-state');
    expect(back.searchParams.get('code')).toBeTruthy();
  });
});
