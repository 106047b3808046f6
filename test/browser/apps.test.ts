/**
 * Issue 12, the Apps page in Chromium: an admin edits a registered app (name, redirect and sign-out
 * URIs, back-channel logout URI, roles allowed, own app or not, ID token algorithm) and what the API
 * then holds is what the form said; a new client secret is shown once, works at once, and with no
 * overlap the old one stops at once (checked at the real token endpoint).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startBrowserHarness, type BrowserHarness } from './harness.js';

const ADMIN = { email: 'ines.costa@acme.test', name: 'Inês Costa', password: 'amber lighthouse pebble 6620' };

let h: BrowserHarness;
let adminCookie = '';

beforeAll(async () => {
  h = await startBrowserHarness();
  await h.server.seedUser({ ...ADMIN, role: 'admin' });
  const res = await h.server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: ADMIN.email, password: ADMIN.password },
  });
  adminCookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
}, 180_000);

afterAll(async () => {
  await h?.close();
});

async function register(body: Record<string, unknown>) {
  const res = await h.server.app.inject({
    method: 'POST',
    url: '/api/v1/apps',
    headers: { cookie: adminCookie },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ app: { id: string }; clientSecret?: string }>();
}

async function appsPage(): Promise<Page> {
  const page = await h.newPage();
  await signIn(page, h.url, ADMIN.email, ADMIN.password);
  await page.goto(`${h.url}/apps`);
  return page;
}

async function clientCredentials(clientId: string, secret: string): Promise<number> {
  const res = await fetch(`${h.url}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('Apps page: editing a registered app (Chromium)', () => {
  it('an admin edits name, redirect and sign-out URIs, back-channel URI, roles, consent and signing algorithm', async () => {
    const { app } = await register({
      name: 'Team wiki',
      type: 'web',
      redirectUris: ['https://wiki.acme.test/callback'],
      postLogoutRedirectUris: [],
      allowedRoles: ['admin', 'member'],
      firstParty: true,
    });
    const page = await appsPage();
    await page.getByRole('button', { name: 'Edit: Team wiki' }).click();
    const form = page.getByRole('form', { name: 'Edit Team wiki' });
    await form.getByLabel('Name', { exact: true }).fill('Acme wiki');

    // A URI the server would refuse is caught in the form: plain http off loopback.
    const redirects = form.getByLabel('Redirect URIs', { exact: true });
    await redirects.fill('http://wiki.acme.test/callback');
    await form.getByText('Not a redirect URI Gatehouse accepts: http://wiki.acme.test/callback').waitFor();
    expect(await form.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);

    await redirects.fill('https://wiki.acme.test/callback\nhttps://wiki.acme.test/oauth2/callback');
    await form.getByLabel('Sign-out redirect URIs').fill('https://wiki.acme.test/');
    await form.getByLabel('Back-channel logout URI').fill('https://wiki.acme.test/backchannel-logout');
    await form.getByLabel('Admin', { exact: true }).uncheck();
    await form.getByLabel('Viewer', { exact: true }).check();
    await form.getByLabel('Our own app: no consent page').uncheck();
    await form.getByLabel('ID token signing algorithm').selectOption('RS256');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Acme wiki is saved.' }).waitFor();

    const saved = await h.server.app.inject({
      url: `/api/v1/apps/${app.id}`,
      headers: { cookie: adminCookie },
    });
    expect(saved.json()).toMatchObject({
      name: 'Acme wiki',
      redirectUris: ['https://wiki.acme.test/callback', 'https://wiki.acme.test/oauth2/callback'],
      postLogoutRedirectUris: ['https://wiki.acme.test/'],
      backchannelLogoutUri: 'https://wiki.acme.test/backchannel-logout',
      allowedRoles: ['member', 'viewer'],
      firstParty: false,
      idTokenAlg: 'RS256',
    });
    // The list shows the new name; the change is audited as the admin's.
    await page.getByRole('button', { name: 'Edit: Acme wiki' }).waitFor();
    const audit = await h.server.database.db
      .selectFrom('auditEvents')
      .select(['actorLabel', 'details'])
      .where('action', '=', 'app.updated')
      .where('targetId', '=', app.id)
      .execute();
    expect(audit.map((e) => e.actorLabel)).toEqual([ADMIN.email]);
  });

  it('a new client secret is shown once and works at once; with no overlap the old one stops at once', async () => {
    const { app, clientSecret: oldSecret = '' } = await register({
      name: 'Nightly export',
      type: 'service',
      allowedRoles: ['admin'],
      firstParty: true,
    });
    expect(await clientCredentials(app.id, oldSecret)).toBe(200);
    const page = await appsPage();
    await page.getByRole('button', { name: 'Edit: Nightly export' }).click();
    const section = page.getByRole('region', { name: 'Client secret' });
    await section.getByLabel('Old secret keeps working (hours)').fill('0');
    await section.getByRole('button', { name: 'Create a new secret' }).click();
    const shown = section.getByLabel('Client secret', { exact: true });
    await shown.waitFor();
    const newSecret = await shown.inputValue();
    expect(newSecret).toMatch(/^ghcs_/);
    expect(newSecret).not.toBe(oldSecret);
    await section.getByText('Copy the secret now: it is shown only this once.').waitFor();

    expect(await clientCredentials(app.id, newSecret)).toBe(200);
    expect(await clientCredentials(app.id, oldSecret)).toBe(401);

    // Shown once: opening the app again offers a new secret, never the one just made.
    await page.reload();
    await page.getByRole('button', { name: 'Edit: Nightly export' }).click();
    await page.getByRole('button', { name: 'Create a new secret' }).waitFor();
    expect(await page.content()).not.toContain(newSecret);
  });
});
