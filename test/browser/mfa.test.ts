/**
 * Two-step verification in a real browser (issue 13): enroll an authenticator app by reading the key
 * from the page and computing the code as the app would, sign in with it, then with a recovery code.
 * Time moves for real here (a real server), so codes are computed from the system clock.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, totpStep } from '../../src/modules/mfa/totp.js';
import { startBrowserHarness, submitSignIn, type BrowserHarness } from './harness.js';

const USER = { email: 'mara.stone@acme.test', name: 'Mara Stone', password: 'amber canyon whistle 4417' };
const ADMIN = { email: 'ines.vale@acme.test', name: 'Ines Vale', password: 'copper orchard beacon 9031' };
const OTHER = { email: 'theo.marsh@acme.test', name: 'Theo Marsh', password: 'granite willow lantern 5526' };

/** An admin's API session on the in-process app (the console's own calls, without a browser). */
async function adminCall(method: 'POST' | 'PATCH', url: string, payload: unknown) {
  const signIn = await h.server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: ADMIN.email, password: ADMIN.password },
  });
  const cookie = String(signIn.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  return h.server.app.inject({ method, url, payload: payload as object, headers: { cookie } });
}

/** My account → Add an authenticator app, on whatever page shows the two-step setup. */
async function addAuthenticator(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  const key = (await page.getByTestId('totp-key').innerText()).replace(/\s/g, '');
  await page.getByLabel('Code from the app').fill(totpCode(key, totpStep(Date.now())));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByRole('button', { name: 'Done' }).click();
  return key;
}

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
  await h.server.seedUser({ ...USER, role: 'member' });
  await h.server.seedUser({ ...ADMIN, role: 'admin' });
  await h.server.seedUser({ ...OTHER, role: 'member' });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('two-step verification in the console', () => {
  it('SEC-MFA-01 / SEC-MFA-03: enroll from My account (key read from the page), sign in with a code, then with a recovery code', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/sign-in`);
    await submitSignIn(page, USER.email, USER.password);
    await page.waitForURL((u) => u.pathname !== '/sign-in');
    await page.goto(`${h.url}/account`);
    await page.getByRole('button', { name: 'Add an authenticator app' }).click();
    await expect
      .poll(() => page.getByRole('img', { name: 'QR code for your authenticator app' }).count())
      .toBe(1);
    const key = (await page.getByTestId('totp-key').innerText()).replace(/\s/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Code from the app').fill(totpCode(key, totpStep(Date.now())));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    const codes = (await list.innerText())
      .split('\n')
      .map((c) => c.trim())
      .filter(Boolean);
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByText('10 recovery codes left.').count()).toBe(1);

    // Another browser: the password, then the code (the next step's: this step's code is spent).
    const second = await h.newPage();
    await second.goto(`${h.url}/sign-in`);
    await submitSignIn(second, USER.email, USER.password);
    await second.getByLabel('Code from the app').fill(totpCode(key, totpStep(Date.now()) + 1));
    await second.getByRole('button', { name: 'Verify' }).click();
    await second.waitForURL((u) => u.pathname !== '/sign-in');
    // One session cookie: the pending one was replaced (the passkey autofill's challenge cookie may sit beside it).
    const sessions = (await second.context().cookies()).filter((c) => c.name.endsWith('gatehouse_session'));
    expect(sessions).toHaveLength(1);

    // A third: the recovery code instead.
    const third = await h.newPage();
    await third.goto(`${h.url}/sign-in`);
    await submitSignIn(third, USER.email, USER.password);
    await third.getByRole('button', { name: 'Use a recovery code' }).click();
    await third.getByLabel('Recovery code').fill(codes[0] ?? '');
    await third.getByRole('button', { name: 'Verify' }).click();
    await third.waitForURL((u) => u.pathname !== '/sign-in');
    await third.goto(`${h.url}/account`);
    await expect.poll(() => third.getByText('9 recovery codes left.').count()).toBe(1);
  });

  it('SEC-MFA-06: an admin’s Reset access link, opened in another browser, leads through the password and a new authenticator', async () => {
    const reset = await adminCall('POST', `/api/v1/users/${await userId(OTHER.email)}/reset-access`, {
      scope: 'factors',
      reason: 'new phone',
      send: false,
    });
    expect(reset.statusCode, reset.body).toBe(200);
    const link = (reset.json() as { link: string }).link;
    const page = await h.newPage();
    await page.goto(link);
    await page.getByLabel('Your password').fill(OTHER.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await addAuthenticator(page);
    await page.waitForURL((u) => u.pathname === '/account');
    await expect.poll(() => page.getByText('10 recovery codes left.').count()).toBe(1);
  });

  it('SEC-MFA-08: policy "required" for Admin leads an admin without a factor through the setup at the next sign-in', async () => {
    const patch = await adminCall('PATCH', '/api/v1/settings', {
      mfaPolicy: { admin: 'required', member: 'optional', viewer: 'optional', graceDays: 0 },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const page = await h.newPage();
    await page.goto(`${h.url}/sign-in`);
    await submitSignIn(page, ADMIN.email, ADMIN.password);
    await expect
      .poll(() =>
        page
          .getByText('Your role requires two-step verification: add an authenticator app to continue.')
          .count(),
      )
      .toBe(1);
    await addAuthenticator(page);
    await page.waitForURL((u) => u.pathname !== '/sign-in');
    await page.goto(`${h.url}/users`);
    await expect.poll(() => page.getByRole('heading', { name: 'Manage users' }).count()).toBeGreaterThan(0);
  });
});

async function userId(email: string): Promise<string> {
  const row = await h.server.database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}
