import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueResetToken } from '../../src/modules/passwords/index.js';
import { launchChromium, signIn, startConsoleServer, type ConsoleServer } from './harness.js';

/**
 * Issue 14's minor console items in Chromium: the first run before and after setup (no 401 logged
 * signed out, the setup link's states, the live password policy), the password meter's estimator,
 * the reset page naming the account, and the audit page's live filters and export.
 */

let server: ConsoleServer;
let browser: Browser;
const pages: Page[] = [];

/** What the browser's console said, and which responses failed, on one page. */
function watch(page: Page) {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  pages.push(page);
  return page;
}

const strength = (page: Page) => page.locator('.strength-label strong').textContent();

beforeAll(async () => {
  // A minimum other than the default, set by the operator: the setup page must use it.
  server = await startConsoleServer({ env: { PASSWORD_MIN_LENGTH: '18' } });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const page of pages)
    await page
      .context()
      .close()
      .catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe('first run, signed out', () => {
  it('before setup: / says setup is pending, /setup without a link says what to do, and nothing logs an error', async () => {
    const page = await newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await page.waitForURL('**/setup');
    await page.getByText('Setup is pending').waitFor();
    await page.getByText(/Open the setup link that the server printed/).waitFor();
    expect(await page.getByText('Setup is already done').count()).toBe(0);

    await page.goto(`${server.url}/setup?token=not-a-real-link`);
    await page.getByText('This setup link is not valid').waitFor();
    expect(await page.getByRole('button', { name: 'Create admin account' }).count()).toBe(0);

    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(problems).toEqual([]);
  });

  it('the setup form: the live minimum, a meter that never says Strong while a rule fails, then the used link says so', async () => {
    const page = await newPage();
    const problems = watch(page);
    await page.goto(server.setupLink);
    await page.getByLabel('Your name').fill('Ana Lima');
    await page.getByLabel('Email', { exact: true }).fill('ana.lima@acme.test');
    await page.getByText('At least 18 characters').waitFor();
    const password = page.getByLabel('Password', { exact: true });

    // Long enough, not on any rule's wrong side but too guessable: the estimator's rule fails.
    await password.fill('password1234567890');
    const guessable = page.locator('li', { hasText: 'Not easy to guess' });
    await expect.poll(() => guessable.getAttribute('data-state')).toBe('unmet');
    // The meter and the rule list are drawn from one estimate but may land a frame apart ('Checking…'
    // in between on a loaded machine): polled, like the Strong reading below.
    await expect.poll(() => strength(page)).toBe('Weak');
    // A strong passphrase with the user's own name in it: the context rule fails, and the meter says Weak.
    await password.fill('violet harbour compass ana lima');
    await page.getByText(/Must not contain “ana/).waitFor();
    await expect.poll(() => strength(page)).toBe('Weak');
    await password.fill('violet harbour compass quietly');
    await expect.poll(() => strength(page)).toBe('Strong');
    expect(await guessable.getAttribute('data-state')).toBe('met');

    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.waitForURL('**/users');
    expect(problems).toEqual([]);

    const later = await newPage();
    await later.goto(server.setupLink);
    await later.getByText('This setup link was already used').waitFor();
    expect(await later.getByRole('button', { name: 'Create admin account' }).count()).toBe(0);
  });
});

describe('after setup', () => {
  it('SEC-PW-06: a reset link names the account and checks its words before sending; signed-out pages log no 401', async () => {
    const user = await server.seedUser({
      email: 'zephyrine.quixote@acme.test',
      name: 'Zephyrine Quixote',
      password: 'amber meadow lantern quietly',
    });
    const { token } = await issueResetToken(server.database.db, {
      userId: user.id,
      purpose: 'admin',
      now: Date.now(),
      lifetimeMs: 60 * 60 * 1000,
    });
    const page = await newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/users`);
    await page.waitForURL('**/sign-in');
    await page.goto(`${server.url}/reset-password?token=${token}`);
    await page.getByTestId('reset-account').waitFor();
    expect(await page.getByTestId('reset-account').textContent()).toBe(
      'For the account of Zephyrine Quixote (z•••@acme.test).',
    );
    // The first name reversed, twice, contains no context word as written; the estimator, given the
    // account's words, rates it too guessable (for someone else it would pass).
    const field = page.getByLabel('New password');
    await field.fill('eniryhpezeniryhpez');
    const guessable = page.locator('li', { hasText: 'Not easy to guess' });
    await expect.poll(() => guessable.getAttribute('data-state')).toBe('unmet');
    const posted: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posted.push(request.url());
    });
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('This password does not meet the requirements yet.').waitFor();
    expect(posted, 'nothing is sent while the password fails').toEqual([]);
    expect(problems).toEqual([]);
  });

  it('audit: partial names filter as you type, until beside since, Older disabled on an empty page, CSV export', async () => {
    const page = await newPage();
    await signIn(page, server.url, 'ana.lima@acme.test', 'violet harbour compass quietly');
    await page.goto(`${server.url}/audit`);
    await page.locator('.audit-item').first().waitFor();

    // No Apply button: typing part of a name is enough.
    expect(await page.getByRole('button', { name: 'Apply filters' }).count()).toBe(0);
    await page.getByLabel('Target', { exact: true }).fill('Quixo');
    await page.waitForURL(/target=Quixo/);
    // The previous page stays on screen while the filtered one loads: wait for the filtered one.
    await expect
      .poll(async () => {
        const texts = await page.locator('.audit-item').allTextContents();
        return texts.length > 0 && texts.every((text) => /Zephyrine Quixote|zephyrine\.quixote/.test(text));
      })
      .toBe(true);

    await page.getByLabel('Until').fill('2001-01-01');
    await page.waitForURL(/until=2001-01-01/);
    await page.getByText('No events match these filters').waitFor();
    expect(await page.getByRole('button', { name: 'Older' }).count()).toBe(0);
    // Paged past the oldest event: an empty page whose Older is disabled (Newer leads back).
    await page.goto(`${server.url}/audit?cursor=1`);
    await page.getByText('No events yet').waitFor();
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Newer' }).isEnabled()).toBe(true);
    await page.goto(`${server.url}/audit?target=Quixo&until=2001-01-01`);
    await page.getByText('No events match these filters').waitFor();

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.search === '');
    await page.locator('.audit-item').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('audit-events.csv');
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^"id","at","action","outcome"/);
    expect(csv).toContain('setup.completed');
  });

  it('with "Members may invite" on, a member sees Invite users in My account (and not before), without the Admin role', async () => {
    const member = await server.seedUser({
      email: 'milo.member@acme.test',
      name: 'Milo Member',
      password: 'amber meadow lantern quietly',
    });
    const page = await newPage();
    await signIn(page, server.url, member.email, member.password);
    await page.waitForURL('**/account');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    expect(await page.getByRole('button', { name: 'Invite users' }).count()).toBe(0);

    const admin = await newPage();
    await signIn(admin, server.url, 'ana.lima@acme.test', 'violet harbour compass quietly');
    await admin.goto(`${server.url}/settings`);
    await admin.getByLabel('Members may invite people').check();
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByText('Settings saved.').first().waitFor();

    await page.reload();
    await page.getByRole('button', { name: 'Invite users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite users' });
    await dialog.waitFor();
    // A member invites members and viewers only: Admin is not offered (the server refuses it too).
    const roles = await dialog.getByLabel('Role').locator('option').allTextContents();
    expect(roles).toEqual(['Member', 'Viewer']);
  });

  it('SEC-TOK-01: My account creates an API token with a name and an expiry, shows it once, lists it, revokes it', async () => {
    const page = await newPage();
    await signIn(page, server.url, 'milo.member@acme.test', 'amber meadow lantern quietly');
    await page.waitForURL('**/account');
    await page.getByRole('button', { name: 'New API token' }).click();
    await page.getByLabel('Token name').fill('Deploy script');
    await page.getByLabel('Expires').selectOption('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('API token “Deploy script” created').waitFor();
    const secret = await page.getByLabel('Your new API token').inputValue();
    expect(secret.length).toBeGreaterThan(40);
    // The token works as a bearer token.
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('Your new API token').count()).toBe(0);
    await page.getByRole('button', { name: /Revoke API token Deploy script/ }).click();
    await page.getByText('API token Deploy script revoked.').waitFor();
    const after = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
  });
});
