/**
 * The console in a real browser (issue 4, acceptance): Debian's Chromium driven by playwright-core,
 * against the built console served by a real Gatehouse server, mail read from a real SMTP receiver.
 * Every step clicks and types as a person would, finding things by role and label.
 *
 * One server and one browser for the whole file; each scenario opens fresh browser contexts (one per
 * person). The first test runs the first-start setup, which creates the admin the others sign in as.
 * Time moves for real: the mail dispatcher polls every second, so mail is waited for (bounded).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  linkIn,
  seriousA11yViolations,
  signIn,
  signedInPage,
  startBrowserHarness,
  submitSignIn,
  waitForMail,
  type BrowserHarness,
} from './harness.js';

// Passphrases that contain no user's name, email, "acme" or "gatehouse" (the policy's context words).
const ADMIN = { email: 'ana.lima@acme.test', name: 'Ana Lima', password: 'violet tugboat orbit 7319' };
const OWN_PASSWORD = 'first quiet pencil 8812';
const TEMPORARY = 'copper lantern meadow 2048';
const CHOSEN = 'silver harbor kettle 5521';

let h: BrowserHarness;
let url: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  url = h.url;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** No serious or critical axe-core violation on the page as it is now. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  expect(violations, `axe-core on ${what}`).toEqual([]);
}

/**
 * The admin exists once the first test has run the setup page; when that test is filtered out
 * (`vitest -t`), the admin is created through the service instead.
 */
let adminExists = false;
async function ensureAdmin(): Promise<void> {
  if (adminExists) return;
  await h.server.seedUser({ ...ADMIN, role: 'admin' });
  adminExists = true;
}

async function signInAdmin(page: Page): Promise<void> {
  await ensureAdmin();
  await signIn(page, url, ADMIN.email, ADMIN.password);
}

/** The admin in a new browser on Manage users (signed in once per file: signedInPage). */
async function signInAsAdmin(): Promise<Page> {
  await ensureAdmin();
  return signedInPage(h, ADMIN, {
    path: '/users',
    ready: (page) => page.getByRole('heading', { name: 'Manage users' }).waitFor(),
  });
}

/** The profile menu (initials at the top right), then one of its items. */
async function profileMenu(page: Page, item: string): Promise<void> {
  await page.getByRole('button', { name: 'Profile menu' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

/** The ⋮ button on a user's row, then one of its items. */
async function userAction(page: Page, userName: string, item: string): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${userName}` }).click();
  await page
    .getByRole('menu', { name: `Actions for ${userName}` })
    .getByRole('menuitem', { name: item })
    .click();
}

const pathOf = (page: Page) => new URL(page.url()).pathname;

describe('the console in Chromium', () => {
  it('first start: the setup link creates the first admin, who lands in Manage users', async () => {
    const page = await h.newPage();
    await page.goto(h.server.setupLink);
    await page.getByRole('heading', { name: 'Set up Gatehouse' }).waitFor();
    await expectAccessible(page, 'the setup page');

    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin account' }).click();

    await page.waitForURL('**/users');
    await page.getByRole('heading', { name: 'Manage users' }).waitFor();
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('row', { name: new RegExp(ADMIN.name) })
      .waitFor();
    adminExists = true;
  });

  it('1. Reset password by typing one: the user must change it at sign-in, and can reach nothing else until then', async () => {
    const bob = await h.server.seedUser({
      email: 'bob.stone@acme.test',
      name: 'Bob Stone',
      password: OWN_PASSWORD,
    });

    // The admin: profile menu → Manage users → ⋮ next to Bob → Reset password.
    const admin = await signInAsAdmin();
    await profileMenu(admin, 'My account');
    await admin.getByRole('heading', { name: 'My account' }).waitFor();
    await profileMenu(admin, 'Manage users');
    await admin.getByRole('heading', { name: 'Manage users' }).waitFor();
    expect(pathOf(admin)).toBe('/users');
    await userAction(admin, 'Bob Stone', 'Reset password');

    const dialog = admin.getByRole('dialog', { name: 'Reset password for Bob Stone' });
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: /Type a new password/ }).isChecked()).toBe(true);
    // It says what will happen before anything happens.
    await dialog
      .getByText(
        'Bob is signed out everywhere: all of their sessions end and their API tokens are revoked now.',
      )
      .waitFor();
    await dialog.getByText(/They must choose a new password the next time they sign in/).waitFor();
    await dialog.getByLabel('New temporary password').fill(TEMPORARY);
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await dialog.getByText('Password reset', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin
      .getByRole('row', { name: /Bob Stone/ })
      .getByText('Temporary password')
      .waitFor();

    // Bob, at his own computer: the old password no longer works, the temporary one does...
    const user = await h.newPage();
    await user.goto(`${url}/sign-in`);
    await submitSignIn(user, bob.email, OWN_PASSWORD);
    await user.getByText('The email or password is incorrect.').waitFor();
    await submitSignIn(user, bob.email, TEMPORARY);
    // ...and leads to the forced change page.
    await user.waitForURL('**/change-password');
    await user.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await expectAccessible(user, 'the forced change-password page');

    // Nothing else is reachable: every console address comes back here, and the API refuses too.
    for (const path of ['/users', '/account', '/audit', '/settings', '/']) {
      await user.goto(`${url}${path}`);
      await user.waitForURL('**/change-password');
      await user.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    }
    const api = await user.context().request.get(`${url}/api/v1/me/sessions`);
    expect(api.status()).toBe(403);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('password_change_required');

    await user.getByLabel('Temporary password', { exact: true }).fill(TEMPORARY);
    await user.getByLabel('New password', { exact: true }).fill(CHOSEN);
    await user.getByRole('button', { name: 'Set new password' }).click();

    // In the console: a member lands on My account.
    await user.waitForURL('**/account');
    await user.getByRole('heading', { name: 'My account' }).waitFor();
    await user.getByRole('button', { name: 'Profile menu' }).waitFor();
  });

  it('2. Reset password by generating one: the admin copies it once; it works once, as a temporary password', async () => {
    const cleo = await h.server.seedUser({
      email: 'cleo.park@acme.test',
      name: 'Cleo Park',
      password: OWN_PASSWORD,
    });

    const admin = await h.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await signInAdmin(admin);
    await profileMenu(admin, 'Manage users');
    await userAction(admin, 'Cleo Park', 'Reset password');
    const dialog = admin.getByRole('dialog', { name: 'Reset password for Cleo Park' });
    await dialog.getByRole('radio', { name: /Generate a password/ }).check();
    await dialog
      .getByText(
        'Cleo is signed out everywhere: all of their sessions end and their API tokens are revoked now.',
      )
      .waitFor();
    await dialog.getByRole('button', { name: 'Generate password' }).click();

    // Shown once, with a Copy button and a clear warning.
    const shownField = dialog.getByLabel('Temporary password', { exact: true });
    await shownField.waitFor();
    const shown = await shownField.inputValue();
    expect(shown.length).toBeGreaterThanOrEqual(15);
    await dialog.getByText('This password will not be shown again.').waitFor();
    await expectAccessible(admin, 'the generated password in the Reset password dialog');
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByText('Copied to the clipboard.').waitFor();
    const copied = (await admin.evaluate('navigator.clipboard.readText()')) as string;
    expect(copied).toBe(shown);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Cleo signs in with what the admin pasted to her: the forced change page.
    const user = await h.newPage();
    await signIn(user, url, cleo.email, copied);
    await user.waitForURL('**/change-password');
    await user.getByLabel('Temporary password', { exact: true }).fill(copied);
    await user.getByLabel('New password', { exact: true }).fill(CHOSEN);
    await user.getByRole('button', { name: 'Set new password' }).click();
    await user.getByRole('heading', { name: 'My account' }).waitFor();

    // Signed out, the generated password does not work a second time; her own does.
    await profileMenu(user, 'Sign out');
    await user.waitForURL('**/sign-in');
    await submitSignIn(user, cleo.email, copied);
    await user.getByText('The email or password is incorrect.').waitFor();
    expect(pathOf(user)).toBe('/sign-in');
    await submitSignIn(user, cleo.email, CHOSEN);
    await user.waitForURL('**/account');
  });

  it('3. Forgot password: the mail arrives, its link opens the reset page, the new password works and the old one not', async () => {
    const dora = await h.server.seedUser({
      email: 'dora.finch@acme.test',
      name: 'Dora Finch',
      password: OWN_PASSWORD,
    });
    const page = await h.newPage();
    await page.goto(`${url}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'the sign-in page');

    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL('**/forgot-password');
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await expectAccessible(page, 'the forgot-password page');
    const before = h.smtp.messages.length;
    await page.getByLabel('Email', { exact: true }).fill(dora.email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await page.getByText('Check your email').waitFor();

    const mail = await waitForMail(h.smtp, dora.email, {
      after: before,
      match: (m) => m.text.includes('/reset-password?token='),
    });
    const link = linkIn(mail.text, '/reset-password');
    expect(link.startsWith(`${url}/reset-password?token=`)).toBe(true);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const newPassword = page.getByLabel('New password', { exact: true });
    await newPassword.waitFor();
    await expectAccessible(page, 'the reset-password page');
    await newPassword.fill(CHOSEN);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password has been changed', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Go to sign in' }).click();
    await page.waitForURL('**/sign-in');
    await page.getByText('Your password has been changed. Sign in with your new password.').waitFor();

    await submitSignIn(page, dora.email, OWN_PASSWORD);
    await page.getByText('The email or password is incorrect.').waitFor();
    expect(pathOf(page)).toBe('/sign-in');
    await submitSignIn(page, dora.email, CHOSEN);
    await page.waitForURL('**/account');
    await page.getByRole('heading', { name: 'My account' }).waitFor();

    // The link worked once: opened again, it says so.
    await page.goto(link);
    await page.getByText('This link can’t be used').waitFor();
  });

  it('4. Invite by email: accepted from the mailed link, the new user is active in Manage users', async () => {
    const admin = await signInAsAdmin();
    const before = h.smtp.messages.length;
    await admin.getByRole('button', { name: 'Invite users' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Invite users' });
    await dialog.getByLabel('Email addresses').fill('dave.moss@acme.test');
    await dialog.getByLabel('Role').selectOption('member');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByText('Invitation sent').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Pending, under the Invited status.
    await admin.getByLabel('Status', { exact: true }).selectOption('invited');
    await admin.getByText('dave.moss@acme.test').first().waitFor();

    const mail = await waitForMail(h.smtp, 'dave.moss@acme.test', {
      after: before,
      match: (m) => m.text.includes('/invitations/accept?token='),
    });
    const link = linkIn(mail.text, '/invitations/accept');
    expect(link.startsWith(`${url}/invitations/accept?token=`)).toBe(true);

    const invitee = await h.newPage();
    await invitee.goto(link);
    await invitee.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    const summary = invitee.getByText(/invited you to join/);
    await summary.waitFor();
    const said = await summary.innerText();
    expect(said).toContain('Acme');
    expect(said).toContain('Member');
    await expectAccessible(invitee, 'the invitation page');
    await invitee.getByLabel('Your name').fill('Dave Moss');
    await invitee.getByLabel('Choose a password').fill(CHOSEN);
    await invitee.getByRole('button', { name: 'Accept invitation' }).click();
    await invitee.waitForURL('**/account');
    await invitee.getByRole('heading', { name: 'My account' }).waitFor();

    // The admin sees Dave among the users, active.
    await admin.getByLabel('Status', { exact: true }).selectOption('active');
    await admin.getByRole('searchbox', { name: 'Search' }).fill('dave');
    const row = admin.getByRole('table', { name: 'Users' }).getByRole('row', { name: /Dave Moss/ });
    await row.waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
    expect(await row.innerText()).toContain('dave.moss@acme.test');
  });

  it('5. Deactivating a user who is signed in elsewhere sends that browser to sign-in on its next action', async () => {
    const erin = await h.server.seedUser({
      email: 'erin.cole@acme.test',
      name: 'Erin Cole',
      password: OWN_PASSWORD,
    });
    const elsewhere = await h.newPage();
    await signIn(elsewhere, url, erin.email, erin.password);
    await elsewhere.getByRole('heading', { name: 'My account' }).waitFor();

    const admin = await signInAsAdmin();
    await userAction(admin, 'Erin Cole', 'Deactivate');
    const dialog = admin.getByRole('dialog', { name: 'Deactivate Erin Cole?' });
    await dialog.getByText(/signed out everywhere at once/).waitFor();
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.getByText('Erin Cole was deactivated.').waitFor();
    await admin
      .getByRole('row', { name: /Erin Cole/ })
      .getByText('Deactivated')
      .waitFor();

    // Erin's next action (saving her language) ends at the sign-in page, with the reason.
    await elsewhere.getByLabel('Language').selectOption('fr');
    await elsewhere.getByRole('button', { name: 'Save language' }).click();
    await elsewhere.waitForURL('**/sign-in');
    await elsewhere.getByText('Your session ended. Sign in again.').waitFor();
  });

  it("SEC-SES-07 / SEC-TOK-01: API tokens are listed and revocable in My account and in the admin's view of the user; the copy says beforehand that tokens end", async () => {
    const tom = await h.server.seedUser({
      email: 'tom.kent@acme.test',
      name: 'Tom Kent',
      password: OWN_PASSWORD,
    });
    const page = await h.newPage();
    await signIn(page, url, tom.email, tom.password);
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByText('No API tokens').waitFor();
    // Tokens are made through the API with the session (same origin, as a script's owner would).
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const made = await page.evaluate(async (expiry) => {
      const make = async (body: object) => {
        const res = await fetch('/api/v1/me/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await res.json()) as { token: string; info: { prefix: string } };
      };
      return [await make({ name: 'deploy bot', expiresAt: expiry }), await make({ name: 'backup job' })];
    }, expiresAt);
    const [deploy, backup] = made as [(typeof made)[0], (typeof made)[0]];
    const asToken = (token: string) =>
      fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await asToken(deploy.token)).status).toBe(200);

    await page.reload();
    const tokens = page.getByRole('list', { name: 'API tokens' });
    const deployItem = tokens.getByRole('listitem').filter({ hasText: 'deploy bot' });
    await deployItem.getByText(`${deploy.info.prefix}…`).waitFor();
    await deployItem.getByText(/Last used .*ago|Last used just now/).waitFor();
    await deployItem.getByText(/Expires /).waitFor();
    const backupItem = tokens.getByRole('listitem').filter({ hasText: 'backup job' });
    await backupItem.getByText(/Last used never · No expiry/).waitFor();
    // Before changing the password, the page says the tokens end with it.
    await page.getByText('your other sessions end and all your API tokens are revoked').waitFor();
    await expectAccessible(page, 'My account with API tokens');

    await page.getByRole('button', { name: `Revoke API token backup job (${backup.info.prefix}…)` }).click();
    await page.getByText('API token backup job revoked.').waitFor();
    await backupItem.waitFor({ state: 'detached' });
    expect((await asToken(backup.token)).status).toBe(401);
    expect((await asToken(deploy.token)).status).toBe(200);

    // The admin sees Tom's remaining token in the users list's API tokens dialog, and revokes it.
    const admin = await signInAsAdmin();
    await userAction(admin, 'Tom Kent', 'Sign out everywhere');
    const signOutDialog = admin.getByRole('dialog', { name: 'Sign Tom Kent out everywhere?' });
    await signOutDialog.getByText(/Every API token of theirs is revoked/).waitFor();
    await signOutDialog.getByRole('button', { name: 'Cancel' }).click();
    await signOutDialog.waitFor({ state: 'hidden' });

    await userAction(admin, 'Tom Kent', 'API tokens');
    const dialog = admin.getByRole('dialog', { name: 'API tokens of Tom Kent' });
    const item = dialog.getByRole('listitem').filter({ hasText: 'deploy bot' });
    await item.getByText(`${deploy.info.prefix}…`).waitFor();
    expect(await dialog.getByText('backup job').count()).toBe(0);
    await expectAccessible(admin, "the admin's API tokens dialog");
    await dialog
      .getByRole('button', { name: `Revoke API token deploy bot (${deploy.info.prefix}…)` })
      .click();
    await dialog.getByText('Tom Kent has no API tokens').waitFor();
    expect((await asToken(deploy.token)).status).toBe(401);
  });

  it('6. Search, role filter and sort live in the URL and survive a reload', async () => {
    for (const [name, role] of [
      ['Quill Alpha', 'member'],
      ['Quill Beta', 'viewer'],
      ['Quill Gamma', 'member'],
    ] as const) {
      await h.server.seedUser({
        email: `${name.toLowerCase().replace(' ', '.')}@acme.test`,
        name,
        role,
        password: OWN_PASSWORD,
      });
    }
    const admin = await signInAsAdmin();
    const table = admin.getByRole('table', { name: 'Users' });
    const names = async () =>
      (await table.locator('tbody').getByRole('row').allInnerTexts()).map((text) =>
        text
          .split('\n')
          .map((line) => line.trim())
          .find(Boolean),
      );

    // A quick hand: the search, at once the role (before the search is applied, 300 ms after the last
    // keystroke), then the Email column twice (descending). No change may be lost.
    const emailHeader = admin.getByRole('button', { name: 'Email', exact: true });
    await admin.getByRole('searchbox', { name: 'Search' }).fill('quill');
    await admin.getByLabel('Role', { exact: true }).selectOption('member');
    await admin.waitForURL((u) => u.searchParams.get('q') === 'quill');
    await emailHeader.click();
    await admin.waitForURL((u) => u.searchParams.get('sort') === 'email');
    await emailHeader.click();
    await admin.waitForURL((u) => u.searchParams.get('order') === 'desc');
    const params = new URL(admin.url()).searchParams;
    expect(Object.fromEntries(params)).toEqual({ q: 'quill', role: 'member', sort: 'email', order: 'desc' });
    await expect.poll(names, { timeout: 10_000 }).toEqual(['Quill Gamma', 'Quill Alpha']);

    const address = admin.url();
    await admin.reload();
    await table.waitFor();
    expect(admin.url()).toBe(address);
    expect(await admin.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('quill');
    expect(await admin.getByLabel('Role', { exact: true }).inputValue()).toBe('member');
    expect(await table.getByRole('columnheader', { name: 'Email' }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await expect.poll(names, { timeout: 10_000 }).toEqual(['Quill Gamma', 'Quill Alpha']);

    // The same address in another browser shows the same view (a bookmark, a shared link).
    const other = await h.newPage();
    await signInAdmin(other);
    await other.goto(address);
    const otherTable = other.getByRole('table', { name: 'Users' });
    await otherTable.waitFor();
    await expect
      .poll(
        async () =>
          (await otherTable.locator('tbody').getByRole('row').allInnerTexts()).map((t) =>
            t
              .split('\n')
              .map((line) => line.trim())
              .find(Boolean),
          ),
        { timeout: 10_000 },
      )
      .toEqual(['Quill Gamma', 'Quill Alpha']);
  });

  it('7. axe-core finds no serious or critical violation on the admin pages, the ⋮ menu and the reset dialog', async () => {
    // Sign-in, forgot, reset, invitation, setup and forced change are checked in their flows above.
    const admin = await signInAsAdmin();
    await admin.getByRole('table', { name: 'Users' }).waitFor();
    await expectAccessible(admin, 'Manage users');

    await admin.getByRole('button', { name: 'Actions for Bob Stone' }).click();
    await admin.getByRole('menu', { name: 'Actions for Bob Stone' }).waitFor();
    await expectAccessible(admin, 'Manage users with the ⋮ menu open');
    await admin.getByRole('menuitem', { name: 'Reset password' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Reset password for Bob Stone' });
    await dialog.waitFor();
    await dialog.getByLabel('New temporary password').fill('short');
    await expectAccessible(admin, 'the Reset password dialog');
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await profileMenu(admin, 'Audit log');
    await admin.getByRole('heading', { name: 'Audit log' }).waitFor();
    await admin.getByRole('button', { name: 'Older' }).waitFor();
    await expectAccessible(admin, 'the audit log');

    await profileMenu(admin, 'Settings');
    await admin.getByRole('heading', { name: 'Settings' }).waitFor();
    await admin.getByRole('button', { name: /Save/ }).first().waitFor();
    await expectAccessible(admin, 'the settings page');

    await profileMenu(admin, 'My account');
    await admin.getByRole('heading', { name: 'My account' }).waitFor();
    await admin.getByRole('heading', { name: 'Sessions' }).waitFor();
    await expectAccessible(admin, 'My account');

    await admin.getByRole('button', { name: 'Profile menu' }).click();
    await admin.getByRole('menu', { name: 'Profile menu' }).waitFor();
    await expectAccessible(admin, 'the profile menu');
  });

  it('7. in the dark color scheme too, axe-core finds no serious or critical violation', async () => {
    const page = await h.newPage({ colorScheme: 'dark' });
    await page.goto(`${url}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'the sign-in page (dark)');
    await signInAdmin(page);
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await expectAccessible(page, 'Manage users (dark)');
    await page.getByRole('button', { name: 'Actions for Bob Stone' }).click();
    await page.getByRole('menuitem', { name: 'Reset password' }).waitFor();
    await expectAccessible(page, 'the ⋮ menu (dark)');
    await page.getByRole('menuitem', { name: 'Reset password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset password for Bob Stone' });
    await dialog.getByLabel('New temporary password').fill('short');
    await expectAccessible(page, 'the Reset password dialog (dark)');
    await page.keyboard.press('Escape');
    await profileMenu(page, 'Audit log');
    await page.getByRole('button', { name: 'Older' }).waitFor();
    await expectAccessible(page, 'the audit log (dark)');
    await profileMenu(page, 'My account');
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await expectAccessible(page, 'My account (dark)');
  });

  it('SEC-PW-04: password fields carry autocomplete current-password / new-password, and a pasted password is taken', async () => {
    const erin = await h.server.seedUser({
      email: 'erin.vale@acme.test',
      name: 'Erin Vale',
      password: OWN_PASSWORD,
    });
    const autocomplete = (field: ReturnType<Page['getByLabel']>) => field.getAttribute('autocomplete');
    /** A real paste (Ctrl+V from the clipboard) into a field: nothing on the page may block it. */
    const paste = async (page: Page, field: ReturnType<Page['getByLabel']>, text: string) => {
      await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
      await field.fill('');
      await field.focus();
      await page.keyboard.press('Control+V');
      // The clipboard is read asynchronously: the value arrives a moment after the key press.
      await expect.poll(() => field.inputValue(), { timeout: 5_000 }).toBe(text);
    };

    const page = await h.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(`${url}/sign-in`);
    const email = page.getByLabel('Email', { exact: true });
    const password = page.getByLabel('Password', { exact: true });
    // 'webauthn' too: the email field offers passkeys through autofill (conditional mediation, issue 13).
    expect(await autocomplete(email)).toBe('username webauthn');
    expect(await autocomplete(password)).toBe('current-password');
    await email.fill(erin.email);
    await paste(page, password, OWN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/account');

    // My account → Change password: the current one is a current-password, the new one a new-password.
    const current = page.getByLabel('Current password', { exact: true });
    const next = page.getByLabel('New password', { exact: true });
    expect(await autocomplete(current)).toBe('current-password');
    expect(await autocomplete(next)).toBe('new-password');
    await paste(page, current, OWN_PASSWORD);
    await paste(page, next, CHOSEN);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page
      .getByText('Password changed. Your other sessions were signed out and your API tokens revoked.')
      .waitFor();

    // The admin's Reset password dialog: a typed temporary password is a new-password too.
    const admin = await signInAsAdmin();
    await userAction(admin, 'Erin Vale', 'Reset password');
    const dialog = admin.getByRole('dialog', { name: 'Reset password for Erin Vale' });
    const temporary = dialog.getByLabel('New temporary password', { exact: true });
    expect(await autocomplete(temporary)).toBe('new-password');
  });

  it('at 360 px wide, Manage users does not scroll the page sideways (the table scrolls in its region)', async () => {
    const admin = await h.newPage({ viewport: { width: 360, height: 740 } });
    await signInAdmin(admin);
    await admin.getByRole('table', { name: 'Users' }).waitFor();
    const widths = (await admin.evaluate(
      '({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: document.documentElement.clientWidth })',
    )) as { page: number; body: number; viewport: number };
    expect(widths.viewport).toBeLessThanOrEqual(360);
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.body).toBeLessThanOrEqual(widths.viewport);
    // The ⋮ menu is still reachable at this width.
    await admin.getByRole('button', { name: 'Actions for Bob Stone' }).click();
    await admin.getByRole('menuitem', { name: 'Reset password' }).waitFor();
    await expectAccessible(admin, 'Manage users at 360 px');
  });
});
