/**
 * Passkeys in a real browser (issue 13, SEC-MFA-04): Chromium's DevTools virtual authenticator
 * (a CTAP2 platform authenticator with resident keys and user verification) stands in for the
 * device, through a CDP session of playwright-core. Register, second step, passkey-only sign-in
 * through the button, a second registration of the same authenticator refused, rename, remove.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, submitSignIn, type BrowserHarness } from './harness.js';

const USER = { email: 'lena.ford@acme.test', name: 'Lena Ford', password: 'silver harbor meadow 7315' };

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
  await h.server.seedUser({ ...USER, role: 'member' });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** A page with a virtual platform authenticator attached; returns the authenticator's credentials reader. */
async function pageWithAuthenticator(): Promise<{ page: Page; credentials(): Promise<unknown[]> }> {
  const page = await h.newPage();
  // The virtual authenticator answers conditional requests (autofill) by itself, as if the person
  // picked the suggestion at once; steps that test something else switch autofill off in this tab.
  await page.addInitScript({
    content: `if (sessionStorage.getItem('test.noAutofill') === '1' && window.PublicKeyCredential)
      PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);`,
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return {
    page,
    credentials: async () =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as unknown[],
  };
}

/** Signed out in this browser: the session cookie goes, the authenticator (on the page) stays. */
async function signOut(page: Page) {
  await page.context().clearCookies();
  await page.goto(`${h.url}/sign-in`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

describe('passkeys in the console', () => {
  it('SEC-MFA-04: register a passkey, use it as the second step and alone through the button; the same authenticator twice is refused; rename it; remove it', async () => {
    const { page, credentials } = await pageWithAuthenticator();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${h.url}/sign-in`);
    // Conditional mediation: the email field offers passkeys in its suggestions.
    expect(await page.getByLabel('Email', { exact: true }).getAttribute('autocomplete')).toBe(
      'username webauthn',
    );
    await submitSignIn(page, USER.email, USER.password);
    await page.waitForURL((u) => u.pathname !== '/sign-in');

    // Register from My account, with a name; the first factor comes with the recovery codes.
    await page.goto(`${h.url}/account`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Name (optional)').fill('Work laptop');
    await page.getByRole('button', { name: 'Create the passkey' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    const list = page.getByRole('list', { name: 'Passkeys' });
    await expect.poll(() => list.getByText('Work laptop').count()).toBe(1);
    await expect.poll(() => list.getByText(/this device only|synced/).count()).toBe(1);
    expect(await credentials()).toHaveLength(1);

    // The same authenticator again: excluded by the options, the browser refuses, nothing is added.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('button', { name: 'Create the passkey' }).click();
    await expect
      .poll(() => page.getByText('This device already holds a passkey for your account.').count())
      .toBe(1);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    expect(await credentials()).toHaveLength(1);

    // The second step after the password: the passkey is offered (and remembered for next time).
    await page.evaluate(() => sessionStorage.setItem('test.noAutofill', '1'));
    await signOut(page);
    await submitSignIn(page, USER.email, USER.password);
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await page.waitForURL((u) => u.pathname !== '/sign-in');
    expect(await page.evaluate(() => localStorage.getItem('gatehouse.mfaMethod'))).toBe('passkey');

    // The passkey alone, through the button.
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL((u) => u.pathname !== '/sign-in');
    // The passkey alone, through the email field's autofill (conditional mediation).
    await page.evaluate(() => sessionStorage.removeItem('test.noAutofill'));
    await signOut(page);
    await page.waitForURL((u) => u.pathname !== '/sign-in');
    await page.goto(`${h.url}/account`);
    // The list comes with the factors' request: waited for as a locator, not a one-second poll.
    await list.getByText('Work laptop').waitFor();
    expect(await list.getByText('Work laptop').count()).toBe(1);

    // Rename it (issue 13): a dialog with the current name, saved without a step-up.
    await list.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename “Work laptop”' });
    const field = dialog.getByLabel('Name', { exact: true });
    expect(await field.inputValue()).toBe('Work laptop');
    await field.fill('Desk key');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await list.getByText('Desk key').waitFor();
    expect(await list.getByText('Work laptop').count()).toBe(0);

    // Remove it (the sign-in just now is recent: no step-up asked).
    await list.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByText('No passkeys yet.').count()).toBe(1);
    const events = await h.server.database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('action', 'in', ['mfa.factor_added', 'mfa.factor_renamed', 'mfa.factor_removed', 'auth.sign_in'])
      .where('actorLabel', '=', USER.email)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      'auth.sign_in',
      'mfa.factor_added',
      'auth.sign_in',
      'auth.sign_in',
      'auth.sign_in',
      'mfa.factor_renamed',
      'mfa.factor_removed',
    ]);
  }, 90_000);

  it('SEC-MFA-04: a browser without WebAuthn still signs in with the password (no passkey button)', async () => {
    const page = await h.newPage();
    // As in a browser without the API.
    await page.addInitScript({
      content: `Object.defineProperty(window, 'PublicKeyCredential', { value: undefined });`,
    });
    await page.goto(`${h.url}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0);
    await submitSignIn(page, USER.email, USER.password);
    await page.waitForURL((u) => u.pathname !== '/sign-in');
  });
});
