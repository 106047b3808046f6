/**
 * Issue 14 in Chromium (acceptance): Add user with a generated temporary password handed over and
 * used; the user page with sessions, tokens, audit, lock state and Unlock; change email with the
 * confirmation mail (admin and self); delete user with the audit keeping a tombstone; the Locked
 * badge and the `Locked` filter. A real server, real SMTP capture, Debian's Chromium.
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

const ADMIN = { email: 'ana.lima@acme.test', name: 'Ana Lima', password: 'violet tugboat orbit 7319' };
const OWN = 'first quiet pencil 8812';
const CHOSEN = 'silver harbor kettle 5521';

let h: BrowserHarness;
let url: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  url = h.url;
  await h.server.seedUser({ ...ADMIN, role: 'admin' });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe-core on ${what}`).toEqual([]);
}

/** The admin in a new browser on Manage users (signed in once per file: signedInPage). */
function signInAsAdmin(options: Parameters<BrowserHarness['newPage']>[0] = {}): Promise<Page> {
  return signedInPage(h, ADMIN, {
    path: '/users',
    ready: (page) => page.getByRole('heading', { name: 'Manage users' }).waitFor(),
    context: options,
  });
}

/** From Manage users, the user's name in the list opens their page. */
async function openUserPage(page: Page, name: string): Promise<void> {
  await page.goto(`${url}/users`);
  await page.getByRole('table', { name: 'Users' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

async function pageAction(page: Page, name: string, item: string): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${name}` }).click();
  await page
    .getByRole('menu', { name: `Actions for ${name}` })
    .getByRole('menuitem', { name: item })
    .click();
}

describe('issue 14 in Chromium', () => {
  it('Add user with a generated temporary password: shown once, handed over, used at first sign-in', async () => {
    const admin = await signInAsAdmin({ permissions: ['clipboard-read', 'clipboard-write'] });
    await admin.getByRole('button', { name: 'Add user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add user' });
    await dialog.waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill('Erin Vale');
    await dialog.getByLabel('Email', { exact: true }).fill('erin.vale@acme.test');
    await dialog.getByLabel('Role').selectOption('viewer');
    expect(await dialog.getByRole('radio', { name: /Generate a temporary password/ }).isChecked()).toBe(true);
    await expectAccessible(admin, 'the Add user dialog');
    await dialog.getByRole('button', { name: 'Add user' }).click();

    await dialog.getByText('Erin Vale was added').waitFor();
    const field = dialog.getByLabel('Temporary password', { exact: true });
    const shown = await field.inputValue();
    expect(shown.length).toBeGreaterThanOrEqual(15);
    await dialog.getByText('This password will not be shown again.').waitFor();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    const copied = (await admin.evaluate('navigator.clipboard.readText()')) as string;
    expect(copied).toBe(shown);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await admin
      .getByRole('row', { name: /Erin Vale/ })
      .getByText('Temporary password')
      .waitFor();

    // Erin signs in with it and must choose her own.
    const erin = await h.newPage();
    await signIn(erin, url, 'erin.vale@acme.test', copied);
    await erin.waitForURL('**/change-password');
    await erin.getByLabel('Temporary password', { exact: true }).fill(copied);
    await erin.getByLabel('New password', { exact: true }).fill(CHOSEN);
    await erin.getByRole('button', { name: 'Set new password' }).click();
    await erin.getByRole('heading', { name: 'My account' }).waitFor();
  });

  it('Add user can send an invitation instead; a weak typed password is refused in the dialog', async () => {
    const admin = await signInAsAdmin();
    await admin.getByRole('button', { name: 'Add user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Name', { exact: true }).fill('Finn Oak');
    await dialog.getByLabel('Email', { exact: true }).fill('finn.oak@acme.test');
    await dialog.getByRole('radio', { name: /Type a temporary password/ }).check();
    await dialog.getByLabel('Temporary password', { exact: true }).fill('finn.oak password 2024');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    // The policy is checked as they type (context words: the person's own name) and nothing is sent.
    await dialog.getByText('This password does not meet the requirements yet.').waitFor();
    expect(await admin.getByRole('row', { name: /Finn Oak/ }).count()).toBe(0);

    await dialog.getByRole('radio', { name: /Send an invitation instead/ }).check();
    const before = h.smtp.messages.length;
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByText('Invitation sent').waitFor();
    const mail = await waitForMail(h.smtp, 'finn.oak@acme.test', { after: before });
    expect(linkIn(mail.text, '/invitations/accept')).toContain(url);
  });

  it('the user page: profile, sessions (end one), API tokens, recent audit events, lock state and Unlock', async () => {
    const gil = await h.server.seedUser({ email: 'gil.moss@acme.test', name: 'Gil Moss', password: OWN });
    // Gil signs in on two devices and makes a token on one.
    const laptop = await h.newPage();
    await signIn(laptop, url, gil.email, OWN);
    const phone = await h.newPage({
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile',
    });
    await signIn(phone, url, gil.email, OWN);
    const made = await laptop.context().request.post(`${url}/api/v1/me/tokens`, {
      data: { name: 'deploy script' },
      headers: { origin: url },
    });
    expect(made.status()).toBe(201);
    // Then someone hammers his account: it locks.
    const attacker = await h.newPage();
    await attacker.goto(`${url}/sign-in`);
    for (let i = 0; i < 10; i += 1) {
      const res = await attacker.context().request.post(`${url}/api/v1/auth/sign-in`, {
        data: { email: gil.email, password: `wrong guess number ${i} xyz` },
        headers: { origin: url },
      });
      expect([401, 429]).toContain(res.status());
    }

    const admin = await signInAsAdmin();
    // The list shows the lock, and the Locked filter finds him.
    await admin
      .getByRole('row', { name: /Gil Moss/ })
      .getByText(/Locked until/)
      .waitFor();
    await admin.getByLabel('Status').selectOption('locked');
    await admin.waitForURL(/status=locked/);
    await admin.getByRole('row', { name: /Gil Moss/ }).waitFor();
    await expect.poll(() => admin.getByRole('row', { name: /Ana Lima/ }).count()).toBe(0);

    await openUserPage(admin, 'Gil Moss');
    await admin.getByText(/Sign-in is locked until/).waitFor();
    const sessions = admin.getByRole('list', { name: 'Sessions of Gil Moss' });
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(2);
    await admin.getByRole('list', { name: 'API tokens' }).getByText('deploy script').waitFor();
    const activity = admin.getByRole('list', { name: 'Audit events' });
    await activity.getByText(/created Gil Moss/).waitFor();
    await expectAccessible(admin, 'the user page');

    // End the phone's session: the phone is signed out, the laptop is not.
    await sessions
      .getByRole('button', {
        name: /End the session on .*iPhone|End the session on .*Safari|End the session on/,
      })
      .first()
      .waitFor();
    const phoneItem = sessions.getByRole('listitem').filter({ hasText: /iPhone|iOS|Safari/ });
    await phoneItem.getByRole('button').click();
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(1);
    expect((await phone.context().request.get(`${url}/api/v1/me`)).status()).toBe(401);
    expect((await laptop.context().request.get(`${url}/api/v1/me`)).status()).toBe(200);

    // Unlock from the page: the lock card says so, and Gil can sign in at once.
    await admin.getByRole('button', { name: 'Unlock' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Unlock Gil Moss?' });
    await dialog.getByRole('button', { name: 'Unlock' }).click();
    await admin.getByText('Not locked: sign-in works.').waitFor();
    await activity.getByText(/unlocked Gil Moss/).waitFor();
    const again = await h.newPage();
    await signIn(again, url, gil.email, OWN);
    await again.waitForURL('**/account');
  });

  it('Unlock from the ⋮ menu of the list', async () => {
    const hal = await h.server.seedUser({ email: 'hal.reed@acme.test', name: 'Hal Reed', password: OWN });
    const attacker = await h.newPage();
    await attacker.goto(`${url}/sign-in`);
    for (let i = 0; i < 10; i += 1) {
      await attacker.context().request.post(`${url}/api/v1/auth/sign-in`, {
        data: { email: hal.email, password: `wrong guess number ${i} xyz` },
        headers: { origin: url },
      });
    }
    const admin = await signInAsAdmin();
    const row = admin.getByRole('row', { name: /Hal Reed/ });
    await row.getByText(/Locked until/).waitFor();
    await admin.getByRole('button', { name: 'Actions for Hal Reed' }).click();
    await admin
      .getByRole('menu', { name: 'Actions for Hal Reed' })
      .getByRole('menuitem', { name: 'Unlock' })
      .click();
    await admin
      .getByRole('dialog', { name: 'Unlock Hal Reed?' })
      .getByRole('button', { name: 'Unlock' })
      .click();
    await expect.poll(() => row.getByText(/Locked until/).count()).toBe(0);
  });

  it('change email by an admin: the new address gets a confirmation mail, the old one a notice; verified once used', async () => {
    await h.server.seedUser({ email: 'ida.cole@acme.test', name: 'Ida Cole', password: OWN });
    const admin = await signInAsAdmin();
    await openUserPage(admin, 'Ida Cole');
    await admin.getByText('Not verified').waitFor();
    await pageAction(admin, 'Ida Cole', 'Change email');
    const dialog = admin.getByRole('dialog', { name: 'Change the email of Ida Cole' });
    await dialog.getByLabel('New email').fill('ida.cole@newmail.test');
    const before = h.smtp.messages.length;
    await dialog.getByRole('button', { name: 'Change email' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.getByRole('heading', { level: 1, name: 'Ida Cole' }).waitFor();
    await admin.getByText('ida.cole@newmail.test').first().waitFor();

    const notice = await waitForMail(h.smtp, 'ida.cole@acme.test', { after: before });
    expect(notice.text).toContain('ida.cole@newmail.test');
    const confirmation = await waitForMail(h.smtp, 'ida.cole@newmail.test', { after: before });
    const link = linkIn(confirmation.text, '/confirm-email');

    const ida = await h.newPage();
    await ida.goto(link);
    await ida.getByRole('heading', { name: 'Confirm your email address' }).waitFor();
    await expectAccessible(ida, 'the confirm-email page');
    await ida.getByRole('button', { name: 'Confirm my address' }).click();
    await ida.getByText('Your account now uses ida.cole@newmail.test.').waitFor();

    await admin.reload();
    await admin.getByText('Verified', { exact: true }).waitFor();
    // She signs in with the new address.
    const later = await h.newPage();
    await signIn(later, url, 'ida.cole@newmail.test', OWN);
    await later.waitForURL('**/account');
  });

  it('change email from My account: nothing changes until the link mailed to the new address is used', async () => {
    await h.server.seedUser({ email: 'jo.lake@acme.test', name: 'Jo Lake', password: OWN });
    const jo = await h.newPage();
    await signIn(jo, url, 'jo.lake@acme.test', OWN);
    await jo.getByRole('heading', { name: 'My account' }).waitFor();
    await jo.getByLabel('New email').fill('jo@lake.test');
    const before = h.smtp.messages.length;
    await jo.getByRole('button', { name: 'Send confirmation link' }).click();
    await jo.getByText('Waiting for confirmation').waitFor();
    await expectAccessible(jo, 'My account with a pending email change');

    const notice = await waitForMail(h.smtp, 'jo.lake@acme.test', { after: before });
    expect(notice.text).toContain('jo@lake.test');
    expect(notice.text).not.toContain('token=');
    const mail = await waitForMail(h.smtp, 'jo@lake.test', { after: before });
    // Still the old address until the link is used.
    const me = await jo.context().request.get(`${url}/api/v1/me`);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('jo.lake@acme.test');

    await jo.goto(linkIn(mail.text, '/confirm-email'));
    await jo.getByRole('button', { name: 'Confirm my address' }).click();
    await jo.getByText('Your account now uses jo@lake.test.').waitFor();
    await jo.goto(`${url}/account`);
    await jo.getByText('jo@lake.test').first().waitFor();
  });

  it('delete user: the email must be typed; the user is gone and the audit log keeps a tombstone', async () => {
    const kim = await h.server.seedUser({ email: 'kim.ross@acme.test', name: 'Kim Ross', password: OWN });
    const admin = await signInAsAdmin();
    await openUserPage(admin, 'Kim Ross');
    await pageAction(admin, 'Kim Ross', 'Delete user');
    const dialog = admin.getByRole('dialog', { name: 'Delete Kim Ross?' });
    const submit = dialog.getByRole('button', { name: 'Delete user' });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByLabel('Type kim.ross@acme.test to confirm').fill('kim.ross@acme');
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByLabel('Type kim.ross@acme.test to confirm').fill('kim.ross@acme.test');
    await expectAccessible(admin, 'the Delete user dialog');
    await submit.click();
    await admin.waitForURL('**/users');
    await admin.getByRole('heading', { name: 'Manage users' }).waitFor();
    // The list is on screen (the admin's own row), and the deleted user is not in it, not even from the cache.
    await admin.getByRole('row', { name: /Ana Lima/ }).waitFor();
    expect(await admin.getByRole('row', { name: /Kim Ross/ }).count()).toBe(0);

    // The audit log: the deletion names a deleted user, and the earlier events are still there.
    await admin.goto(`${url}/audit`);
    await admin.getByText('Ana Lima deleted a deleted user').waitFor();
    await admin
      .getByText(/created kim\.ross@acme\.test|created Kim Ross/)
      .first()
      .waitFor();

    // Kim can no longer sign in.
    const page = await h.newPage();
    await page.goto(`${url}/sign-in`);
    await submitSignIn(page, kim.email, OWN);
    await page.getByText('The email or password is incorrect.').waitFor();
    // The page of a deleted user says so.
    await admin.goto(`${url}/users/${kim.id}`);
    await admin.getByText('This user does not exist').waitFor();
  });
});
