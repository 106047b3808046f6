/**
 * Manage users in Chromium (issue 14 item 6, issue 13's admin side): invited people in the main list
 * with the count, sorting across users and invitations, bulk actions confirmed with a count and a
 * partial refusal, the two-step icon and filter, Reset access from the ⋮ menu with the link opened in
 * another browser, the own row pointing to My account, stale errors clearing, the Reset password
 * dialog at 1280×800, and axe at 1280 and 360 px. A real server, real SMTP capture, Debian's Chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/crypto.js';
import { seriousA11yViolations, signedInPage, startBrowserHarness, type BrowserHarness } from './harness.js';

const ADMIN = { email: 'ana.lima@acme.test', name: 'Ana Lima', password: 'violet tugboat orbit 7319' };
const PASSWORD = 'first quiet pencil 8812';

let h: BrowserHarness;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startBrowserHarness();
  ids.ana = (await h.server.seedUser({ ...ADMIN, role: 'admin' })).id;
  ids.bo = (
    await h.server.seedUser({
      email: 'bo.berg@acme.test',
      name: 'Bo Berg',
      role: 'member',
      password: PASSWORD,
    })
  ).id;
  ids.cy = (
    await h.server.seedUser({
      email: 'cy.cole@acme.test',
      name: 'Cy Cole',
      role: 'viewer',
      password: PASSWORD,
    })
  ).id;
  // Bo has an authenticator app (an active factor row is what "two-step verification on" means).
  await h.server.database.db
    .insertInto('mfaFactors')
    .values({
      id: newId(),
      userId: ids.bo,
      kind: 'totp',
      name: 'Phone',
      status: 'active',
      createdAt: Date.now(),
    })
    .execute();
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

/** The first line of each body row: the person's name (an invitation without one shows its email). */
async function rowNames(page: Page): Promise<string[]> {
  // Read in one go: row by row, a list re-rendered in between (a filter's answer arriving) left a
  // row handle waiting for a row that was gone.
  const names = await page
    .getByRole('table', { name: 'Users' })
    .locator('tbody')
    .getByRole('row')
    .evaluateAll((rows) =>
      rows.map((row) => (row.querySelector('.user-name') as { innerText: string } | null)?.innerText ?? ''),
    );
  return names.map((name) => name.replace(' (you)', '').trim());
}

describe('Manage users: invited people, bulk actions, two-step verification at a glance', () => {
  it('invited people are in the main list with an Invited badge and the count; sorting mixes them in', async () => {
    const admin = await signInAsAdmin();
    await admin.getByRole('button', { name: 'Invite users' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Invite users' });
    await dialog
      .getByLabel('Email addresses')
      .fill('dana.dorn@acme.test, al.ames@acme.test, zed.zorn@acme.test');
    await dialog.getByRole('button', { name: 'Send 3 invitations' }).click();
    await dialog.getByText('3 invitations sent').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await admin.getByText('3 users, 3 invited').waitFor();
    const table = admin.getByRole('table', { name: 'Users' });
    await expect.poll(() => table.getByText('Invited', { exact: true }).count()).toBe(3);
    // By name (the default), invitations without a name sort by their email among the users.
    await expect
      .poll(() => rowNames(admin))
      .toEqual([
        'al.ames@acme.test',
        'Ana Lima',
        'Bo Berg',
        'Cy Cole',
        'dana.dorn@acme.test',
        'zed.zorn@acme.test',
      ]);
    await admin.getByRole('button', { name: 'Email', exact: true }).click();
    await admin.waitForURL((u) => u.searchParams.get('sort') === 'email');
    await expect
      .poll(() => rowNames(admin))
      .toEqual([
        'al.ames@acme.test',
        'Ana Lima',
        'Bo Berg',
        'Cy Cole',
        'dana.dorn@acme.test',
        'zed.zorn@acme.test',
      ]);
    await admin.getByRole('button', { name: 'Email', exact: true }).click();
    await admin.waitForURL((u) => u.searchParams.get('order') === 'desc');
    await expect
      .poll(() => rowNames(admin))
      .toEqual([
        'zed.zorn@acme.test',
        'dana.dorn@acme.test',
        'Cy Cole',
        'Bo Berg',
        'Ana Lima',
        'al.ames@acme.test',
      ]);
    expect(await table.getByRole('columnheader', { name: 'Email' }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    // By date added: the invitations are the newest.
    await admin.getByRole('button', { name: 'Added', exact: true }).click();
    await admin.waitForURL((u) => u.searchParams.get('sort') === 'createdAt');
    await expect
      .poll(async () => (await rowNames(admin)).slice(3).sort())
      .toEqual(['Ana Lima', 'Bo Berg', 'Cy Cole']);

    // An invitation's row offers resend, copy link and revoke.
    await table.getByRole('button', { name: 'Actions for zed.zorn@acme.test' }).click();
    const menu = admin.getByRole('menu', { name: 'Actions for zed.zorn@acme.test' });
    for (const item of ['Resend invitation', 'Copy link', 'Revoke invitation']) {
      await menu.getByRole('menuitem', { name: item }).waitFor();
    }
    await admin.keyboard.press('Escape');

    // Status → Invited still lists only them.
    await admin.getByLabel('Status', { exact: true }).selectOption('invited');
    await admin.getByText('3 pending invitations').waitFor();
    await expect.poll(() => rowNames(admin)).toHaveLength(3);
    await expectAccessible(admin, 'Manage users with invited people (1280 px)');
  });

  it('the two-step icon says on or off in words, and the filter keeps only those with it on', async () => {
    const admin = await signInAsAdmin();
    const table = admin.getByRole('table', { name: 'Users' });
    const bo = table.getByRole('row', { name: /Bo Berg/ });
    await bo.getByRole('img', { name: 'Two-step verification on' }).waitFor();
    await table
      .getByRole('row', { name: /Cy Cole/ })
      .getByRole('img', { name: 'Two-step verification off' })
      .waitFor();
    await admin.getByLabel('Two-step verification', { exact: true }).selectOption('enabled');
    await admin.waitForURL((u) => u.searchParams.get('mfa') === 'enabled');
    await expect.poll(() => rowNames(admin)).toEqual(['Bo Berg']);
    await admin.getByLabel('Two-step verification', { exact: true }).selectOption('disabled');
    await expect.poll(() => rowNames(admin)).toEqual(['Ana Lima', 'Cy Cole']);
  });

  it('your own row: Reset password and Deactivate are disabled, with the reason and a link to My account', async () => {
    const admin = await signInAsAdmin();
    await admin.getByRole('button', { name: 'Actions for Ana Lima' }).click();
    const menu = admin.getByRole('menu', { name: 'Actions for Ana Lima' });
    expect(await menu.getByRole('menuitem', { name: 'Reset password' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
    expect(await menu.getByRole('menuitem', { name: 'Deactivate' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
    await menu.getByText('This is your own account').waitFor();
    await expectAccessible(admin, 'the own-row menu');
    await menu.getByRole('menuitem', { name: 'Go to My account' }).click();
    await admin.getByRole('heading', { name: 'My account' }).waitFor();
  });

  it('bulk: selected users deactivated after a dialog with the count; yourself refused with the reason', async () => {
    const extra = await h.server.seedUser({
      email: 'eli.egg@acme.test',
      name: 'Eli Egg',
      password: PASSWORD,
    });
    const admin = await signInAsAdmin();
    const table = admin.getByRole('table', { name: 'Users' });
    await admin.getByLabel('Status', { exact: true }).selectOption('active');
    await admin.waitForURL((u) => u.searchParams.get('status') === 'active');
    await expect.poll(() => table.getByText('Invited', { exact: true }).count()).toBe(0);
    await table.getByRole('checkbox', { name: 'Select Eli Egg' }).check();
    await table.getByRole('checkbox', { name: 'Select Cy Cole' }).check();
    await table.getByRole('checkbox', { name: 'Select Ana Lima' }).check();
    const bar = admin.getByRole('region', { name: 'Actions on the selected people' });
    await bar.getByText('3 selected').waitFor();
    await expectAccessible(admin, 'the list with a selection');
    await bar.getByRole('button', { name: 'Deactivate' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Deactivate 3 users?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    const result = admin.getByRole('dialog', { name: 'Done' });
    await result.getByText('2 done.').waitFor();
    await result.getByText('1 refused:').waitFor();
    await result.getByText('Ana Lima: You cannot deactivate your own account.').waitFor();
    await result.getByRole('button', { name: 'Done' }).click();
    await bar.waitFor({ state: 'hidden' });
    await admin.getByLabel('Status', { exact: true }).selectOption('deactivated');
    await expect.poll(() => rowNames(admin)).toEqual(['Cy Cole', 'Eli Egg']);
    expect(extra.id).toBeTruthy();
  });

  it('bulk: select everyone on the page, resend the invitations among them (the users are left out)', async () => {
    const admin = await signInAsAdmin();
    const table = admin.getByRole('table', { name: 'Users' });
    await expect.poll(() => table.getByText('Invited', { exact: true }).count()).toBe(3);
    const before = h.smtp.messages.length;
    await table.getByRole('checkbox', { name: 'Select everyone on this page' }).check();
    const bar = admin.getByRole('region', { name: 'Actions on the selected people' });
    await bar.getByRole('button', { name: 'Resend invitations' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Resend 3 invitations?' });
    await dialog.getByText(/selected rows do not apply and are left out/).waitFor();
    await dialog.getByRole('button', { name: 'Resend invitations' }).click();
    await admin.getByRole('dialog', { name: 'Done' }).getByText('3 done.').waitFor();
    await expect.poll(() => h.smtp.messages.length - before, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  });

  it('Reset access… from the ⋮ menu: scope, required reason, copy link with its expiry; the link works in another browser', async () => {
    const admin = await signInAsAdmin({ permissions: ['clipboard-read', 'clipboard-write'] });
    await admin.getByRole('button', { name: 'Actions for Bo Berg' }).click();
    await admin
      .getByRole('menu', { name: 'Actions for Bo Berg' })
      .getByRole('menuitem', { name: 'Reset access…' })
      .click();
    const dialog = admin.getByRole('dialog', { name: 'Reset access for Bo Berg' });
    await dialog.waitFor();
    await dialog.getByRole('radio', { name: /Everything: password and factors/ }).check();
    await dialog.getByRole('radio', { name: /Copy the link/ }).check();
    await expectAccessible(admin, 'the Reset access dialog');
    await dialog.getByRole('button', { name: 'Reset access' }).click();
    await dialog.getByText('Give a reason.').waitFor();
    await dialog.getByLabel('Reason').fill('Lost phone, verified by video call');
    await dialog.getByRole('button', { name: 'Reset access' }).click();
    await dialog.getByText('Access was reset').waitFor();
    await dialog.getByText(/It works once, on any device, until/).waitFor();
    const link = await dialog.getByLabel('Enrollment link').inputValue();
    expect(link).toContain('/enroll?token=');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await admin
      .getByRole('table', { name: 'Users' })
      .getByRole('row', { name: /Bo Berg/ })
      .getByRole('img', { name: 'Two-step verification off' })
      .waitFor();

    const bo = await h.newPage();
    await bo.goto(link);
    await bo.getByRole('heading', { name: 'Set up your sign-in' }).waitFor();
    await bo.getByLabel('Choose a new password').waitFor();
  });

  it('a stale server error clears on the next attempt (Add user)', async () => {
    const admin = await signInAsAdmin();
    await admin.getByRole('button', { name: 'Add user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Name', { exact: true }).fill('Bo Again');
    await dialog.getByLabel('Email', { exact: true }).fill('bo.berg@acme.test');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByText('A user with this email already exists.').waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill('');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => dialog.getByText('A user with this email already exists.').count()).toBe(0);
  });

  it('the Reset password dialog keeps its buttons in view at 1280×800', async () => {
    const admin = await signInAsAdmin();
    await admin.getByLabel('Status', { exact: true }).selectOption('deactivated');
    await admin.waitForURL((u) => u.searchParams.get('status') === 'deactivated');
    await expect.poll(() => rowNames(admin)).toEqual(['Cy Cole', 'Eli Egg']);
    await admin.getByRole('button', { name: 'Actions for Cy Cole' }).click();
    await admin
      .getByRole('menu', { name: 'Actions for Cy Cole' })
      .getByRole('menuitem', { name: 'Reset password' })
      .click();
    const dialog = admin.getByRole('dialog', { name: /Reset password/ });
    await dialog.waitFor();
    await dialog.getByLabel('New temporary password').fill('x');
    const button = dialog.getByRole('button', { name: 'Cancel' });
    const box = await button.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(800);
  });

  it('at 1280×800 the whole list fits: no column scrolls out of view, the ⋮ menu included', async () => {
    const admin = await signInAsAdmin({ viewport: { width: 1280, height: 800 } });
    const table = admin.getByRole('table', { name: 'Users' });
    await expect.poll(() => table.getByText('Invited', { exact: true }).count()).toBe(3);
    const region = admin.getByRole('region', { name: 'Users' });
    const width = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(width.scroll).toBeLessThanOrEqual(width.client + 1);
    const menu = table.getByRole('button', { name: /Actions for/ }).first();
    const box = await menu.boundingBox();
    expect((box?.x ?? Infinity) + (box?.width ?? 0)).toBeLessThanOrEqual(1280);
  });

  it('at 360 px the list stacks, invitation rows too, and stays accessible', async () => {
    const admin = await signInAsAdmin({ viewport: { width: 360, height: 740 } });
    const table = admin.getByRole('table', { name: 'Users' });
    await expect.poll(() => table.getByText('Invited', { exact: true }).count()).toBe(3);
    // The email column is hidden; each row carries its role and email under the name instead.
    expect(await table.getByRole('columnheader', { name: 'Email' }).isVisible()).toBe(false);
    await table
      .getByRole('row', { name: /zed\.zorn/ })
      .getByText('Member · zed.zorn@acme.test')
      .waitFor();
    const region = admin.getByRole('region', { name: 'Users' });
    const width = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(width.scroll).toBeLessThanOrEqual(width.client + 1);
    await expectAccessible(admin, 'Manage users at 360 px');
  });
});
