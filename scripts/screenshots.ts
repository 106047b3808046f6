/**
 * `npm run screenshots`: the README's pictures of the console, taken from the real thing.
 *
 * Starts a real Gatehouse (the built console, a temporary SQLite file; the console is built first
 * when web/dist is missing or older than web/src), seeds a small organization, drives Debian's
 * Chromium (playwright-core) at 1280×800 and writes:
 *   docs/screenshots/sign-in.png                the sign-in page
 *   docs/screenshots/manage-users-menu.png      Manage users with the ⋮ menu of a user open
 *   docs/screenshots/reset-password-dialog.png  the Reset password dialog, a password being typed
 *   docs/screenshots/add-user-dialog.png        the Add user dialog
 *   docs/screenshots/user-page.png              a user's page
 *   docs/screenshots/outbox.png                 the Outbox in the zero-setup log mode
 *   docs/screenshots/manage-users-bulk.png      users and invited people in one list, three selected
 *   docs/screenshots/reset-access-dialog.png    Reset access… for a user who lost their phone
 *   docs/screenshots/two-step-account.png       My account → Two-step verification: an app and a passkey
 *   docs/screenshots/second-step.png            the sign-in's second step
 * Passkeys are made by Chromium's virtual authenticator (DevTools protocol), as in the browser tests.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageRoot } from '../src/app/console.js';
import { totpCode, totpStep } from '../src/modules/mfa/totp.js';
import { launchChromium, signIn, startConsoleServer } from '../test/browser/harness.js';

const OUT = join(packageRoot(), 'docs', 'screenshots');
const PASSWORD = 'violet tugboat orbit 7319';

const ADMIN = { email: 'ana.lima@acme.test', name: 'Ana Lima', role: 'admin' } as const;
const PEOPLE = [
  { email: 'bruno.costa@acme.test', name: 'Bruno Costa', role: 'member', signIn: true },
  { email: 'chloe.martin@acme.test', name: 'Chloé Martin', role: 'admin', signIn: true },
  { email: 'daniel.okafor@acme.test', name: 'Daniel Okafor', role: 'member', signIn: true },
  { email: 'emma.schmidt@acme.test', name: 'Emma Schmidt', role: 'viewer', signIn: false },
  { email: 'farah.haddad@acme.test', name: 'Farah Haddad', role: 'member', signIn: true, deactivate: true },
  { email: 'george.ito@acme.test', name: 'George Ito', role: 'member', signIn: false, temporary: true },
  { email: 'hana.novak@acme.test', name: 'Hana Novák', role: 'viewer', signIn: true },
] as const;

/** Waits until opening menus and dialogs have finished animating, so the picture is not mid-fade. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(`
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    )
  `);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const server = await startConsoleServer();
  const browser = await launchChromium();
  try {
    const { app } = server;
    await server.seedUser({ ...ADMIN, password: PASSWORD });
    const signInApi = async (email: string, password: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password },
      });
      if (res.statusCode !== 200) throw new Error(`sign-in of ${email}: ${res.statusCode} ${res.body}`);
      const cookie = ([res.headers['set-cookie']].flat()[0] ?? '').split(';')[0] ?? '';
      return cookie;
    };
    const adminCookie = await signInApi(ADMIN.email, PASSWORD);
    for (const person of PEOPLE) {
      const user = await server.seedUser({
        email: person.email,
        name: person.name,
        role: person.role,
        password: PASSWORD,
        temporary: 'temporary' in person,
      });
      if (person.signIn) await signInApi(person.email, PASSWORD);
      if ('deactivate' in person) {
        const res = await app.inject({
          method: 'POST',
          url: `/api/v1/users/${user.id}/deactivate`,
          headers: { cookie: adminCookie },
        });
        if (res.statusCode !== 200) throw new Error(`deactivate ${person.email}: ${res.body}`);
      }
    }

    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
    });
    const page = await context.newPage();

    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
    await settle(page);
    await page.screenshot({ path: join(OUT, 'sign-in.png') });
    console.log('screenshots: docs/screenshots/sign-in.png');

    await signIn(page, server.url, ADMIN.email, PASSWORD);
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'Actions for Daniel Okafor' }).click();
    await page.getByRole('menu', { name: 'Actions for Daniel Okafor' }).waitFor();
    await page.mouse.move(0, 0);
    await settle(page);
    await page.screenshot({ path: join(OUT, 'manage-users-menu.png') });
    console.log('screenshots: docs/screenshots/manage-users-menu.png');

    await page.getByRole('menuitem', { name: 'Reset password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset password for Daniel Okafor' });
    await dialog.waitFor();
    await dialog.getByLabel('New temporary password').fill('copper lantern meadow 2048');
    await settle(page);
    await page.screenshot({ path: join(OUT, 'reset-password-dialog.png') });
    console.log('screenshots: docs/screenshots/reset-password-dialog.png');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Issue 14: Add user, a user's page, the Outbox.
    await page.getByRole('button', { name: 'Add user' }).click();
    const add = page.getByRole('dialog', { name: 'Add user' });
    await add.getByLabel('Name', { exact: true }).fill('Erin Vale');
    await add.getByLabel('Email', { exact: true }).fill('erin.vale@example.com');
    await settle(page);
    await page.screenshot({ path: join(OUT, 'add-user-dialog.png') });
    console.log('screenshots: docs/screenshots/add-user-dialog.png');
    await page.keyboard.press('Escape');
    await add.waitFor({ state: 'hidden' });

    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Daniel Okafor' }).click();
    await page.getByRole('heading', { level: 1, name: 'Daniel Okafor' }).waitFor();
    await page.locator('.audit-list').waitFor();
    await settle(page);
    await page.screenshot({ path: join(OUT, 'user-page.png'), fullPage: true });
    console.log('screenshots: docs/screenshots/user-page.png');

    // Issue 14 item 6: invited people in the main list, and a bulk selection.
    for (const invited of ['ines.ruiz@acme.test', 'jonas.berg@acme.test']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/invitations',
        headers: { cookie: adminCookie },
        payload: { email: invited, role: 'member' },
      });
      if (res.statusCode >= 300) throw new Error(`invite ${invited}: ${res.statusCode} ${res.body}`);
    }
    await page.goto(`${server.url}/users`);
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByText('ines.ruiz@acme.test').first().waitFor();
    for (const name of ['Bruno Costa', 'Daniel Okafor', 'Hana Novák'])
      await table.getByRole('checkbox', { name: `Select ${name}` }).check();
    await page.getByRole('region', { name: 'Actions on the selected people' }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(0, 0);
    await settle(page);
    await page.screenshot({ path: join(OUT, 'manage-users-bulk.png') });
    console.log('screenshots: docs/screenshots/manage-users-bulk.png');
    for (const name of ['Bruno Costa', 'Daniel Okafor', 'Hana Novák'])
      await table.getByRole('checkbox', { name: `Select ${name}` }).uncheck();

    // Issue 13: Reset access for a user who lost their phone.
    await page.getByRole('button', { name: 'Actions for Bruno Costa' }).click();
    await page
      .getByRole('menu', { name: 'Actions for Bruno Costa' })
      .getByRole('menuitem', { name: 'Reset access…' })
      .click();
    const resetAccess = page.getByRole('dialog', { name: 'Reset access for Bruno Costa' });
    await resetAccess.waitFor();
    await resetAccess.getByLabel('Reason').fill('Lost phone, identity checked by video call');
    await settle(page);
    await page.screenshot({ path: join(OUT, 'reset-access-dialog.png') });
    console.log('screenshots: docs/screenshots/reset-access-dialog.png');
    await page.keyboard.press('Escape');
    await resetAccess.waitFor({ state: 'hidden' });

    await page.goto(`${server.url}/outbox`);
    await page.getByRole('table', { name: 'Messages' }).waitFor();
    await settle(page);
    await page.screenshot({ path: join(OUT, 'outbox.png') });
    console.log('screenshots: docs/screenshots/outbox.png');
    await context.close();
    await twoStepPictures(browser, server.url);
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Issue 13: a member adds an authenticator app and a passkey in My account (the passkey from
 * Chromium's virtual authenticator), then signs in again and meets the second step.
 */
async function twoStepPictures(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  // The virtual authenticator would answer the email field's passkey autofill at once: not wanted here.
  await page.addInitScript({
    content: `if (window.PublicKeyCredential)
      PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);`,
  });
  const member = PEOPLE[3];
  await signIn(page, url, member.email, PASSWORD);
  await page.goto(`${url}/account`);
  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  const key = (await page.getByTestId('totp-key').innerText()).replace(/\s/g, '');
  await page.getByLabel('Code from the app').fill(totpCode(key, totpStep(Date.now())));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByLabel('Name (optional)').fill('Work laptop');
  await page.getByRole('button', { name: 'Create the passkey' }).click();
  await page.getByRole('list', { name: 'Passkeys' }).getByText('Work laptop').waitFor();
  // The card at the top of the window, below the sticky header.
  await page
    .getByRole('heading', { name: 'Two-step verification' })
    .first()
    .evaluate((heading) => {
      heading.scrollIntoView({ block: 'start' });
      heading.ownerDocument.defaultView?.scrollBy(0, -96);
    });
  await page.mouse.move(0, 0);
  await settle(page);
  await page.screenshot({ path: join(OUT, 'two-step-account.png') });
  console.log('screenshots: docs/screenshots/two-step-account.png');

  await context.clearCookies();
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(member.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Code from the app').waitFor();
  await settle(page);
  await page.screenshot({ path: join(OUT, 'second-step.png') });
  console.log('screenshots: docs/screenshots/second-step.png');
  await context.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
