/**
 * Issue 14, item 1 in Chromium (acceptance): with no SMTP_URL the console says mail goes to the log
 * (banner for admins), the Invite dialog copies invitation links per person and for a batch (CSV),
 * a copied link is accepted; Settings → Mail and Send test mail; the Outbox with Retry failed. Two real
 * servers: one in the zero-setup log mode, one mailing a real SMTP capture.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  seriousA11yViolations,
  signIn,
  startBrowserHarness,
  startConsoleServer,
  waitForMail,
  type BrowserHarness,
  type ConsoleServer,
} from './harness.js';

const ADMIN = { email: 'ana.lima@acme.test', name: 'Ana Lima', password: 'violet tugboat orbit 7319' };
const CHOSEN = 'silver harbor kettle 5521';

let logServer: ConsoleServer;
let browser: Browser;
let h: BrowserHarness;

beforeAll(async () => {
  logServer = await startConsoleServer();
  await logServer.seedUser({ ...ADMIN, role: 'admin' });
  browser = await launchChromium();
  h = await startBrowserHarness();
  await h.server.seedUser({ ...ADMIN, role: 'admin' });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await logServer?.close();
  await h?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe-core on ${what}`).toEqual([]);
}

describe('mail in log mode (no SMTP_URL)', () => {
  it('admins see the log-mode banner; members do not', async () => {
    const admin = await newPage();
    await signIn(admin, logServer.url, ADMIN.email, ADMIN.password);
    await admin.getByText('Mail is not sent: it goes to the server log.').waitFor();
    await admin.getByRole('link', { name: 'Configure SMTP' }).waitFor();
    await expectAccessible(admin, 'Manage users with the log-mode banner');

    await logServer.seedUser({ email: 'mo.tan@acme.test', name: 'Mo Tan', password: CHOSEN });
    const member = await newPage();
    await signIn(member, logServer.url, 'mo.tan@acme.test', CHOSEN);
    await member.getByRole('heading', { name: 'My account' }).waitFor();
    expect(await member.getByText('Mail is not sent: it goes to the server log.').count()).toBe(0);
  });

  it('the Invite dialog copies the links of a batch as CSV; a copied link is accepted', async () => {
    const admin = await newPage();
    await signIn(admin, logServer.url, ADMIN.email, ADMIN.password);
    await admin.getByRole('button', { name: 'Invite users' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Invite users' });
    await dialog.getByLabel('Email addresses').fill('nia.ford@acme.test, omar.hale@acme.test');
    await dialog.getByRole('button', { name: /Send 2 invitations/ }).click();
    await dialog.getByText(/2 invitations sent/).waitFor();
    await dialog.getByText(/The links sent before stop working/).waitFor();
    await dialog.getByRole('button', { name: 'Copy 2 links' }).click();
    await dialog.getByText('2 links ready').waitFor();
    const csv = await dialog.getByLabel('All links (CSV: name, email, link)').inputValue();
    const lines = csv.split(/\r?\n/);
    expect(lines[0]).toBe('name,email,link');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[1])
        .sort(),
    ).toEqual(['nia.ford@acme.test', 'omar.hale@acme.test']);
    await expectAccessible(admin, 'the Invite dialog with its links');
    await dialog.getByRole('button', { name: 'Copy as CSV' }).click();
    // The clipboard gets RFC 4180 line ends (CRLF); the text box shows them as line breaks.
    const copied = (await admin.evaluate('navigator.clipboard.readText()')) as string;
    expect(copied).toContain('\r\n');
    expect(copied.split('\r\n')).toEqual(lines);
    const niaLink = await dialog.getByLabel('Link for nia.ford@acme.test').inputValue();
    expect(lines.some((l) => l.endsWith(niaLink))).toBe(true);
    await dialog.getByRole('button', { name: 'Done' }).click();

    const nia = await newPage();
    await nia.goto(niaLink);
    await nia.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await nia.getByLabel('Your name').fill('Nia Ford');
    await nia.getByLabel('Choose a password').fill(CHOSEN);
    await nia.getByRole('button', { name: 'Accept invitation' }).click();
    await nia.waitForURL('**/account');
  });

  it('Copy link from an invitation’s row gives a new link that works', async () => {
    const admin = await newPage();
    await signIn(admin, logServer.url, ADMIN.email, ADMIN.password);
    await admin.goto(`${logServer.url}/users?status=invited`);
    await admin.getByRole('button', { name: 'Actions for omar.hale@acme.test' }).click();
    await admin
      .getByRole('menu', { name: 'Actions for omar.hale@acme.test' })
      .getByRole('menuitem', { name: 'Copy link' })
      .click();
    const dialog = admin.getByRole('dialog', { name: 'Invitation link for omar.hale@acme.test' });
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    const link = await dialog.getByLabel('Link for omar.hale@acme.test').inputValue();
    expect(link.startsWith(`${logServer.url}/invitations/accept?token=`)).toBe(true);
    const omar = await newPage();
    await omar.goto(link);
    await omar.getByText(/invited you to join/).waitFor();
  });

  it('Settings → Mail says the transport is the log; Send test mail lands in the Outbox', async () => {
    const admin = await newPage();
    await signIn(admin, logServer.url, ADMIN.email, ADMIN.password);
    await admin.getByRole('link', { name: 'Configure SMTP' }).click();
    const card = admin.getByRole('region', { name: 'Mail' });
    await card.getByText('Server log (SMTP_URL is not set)').waitFor();
    await card.getByRole('button', { name: 'Send test mail' }).click();
    await card
      .getByText(`A test message to ${ADMIN.email} was written to the server log`, { exact: false })
      .waitFor();
    await expectAccessible(admin, 'Settings with the Mail card');

    await admin.getByRole('link', { name: 'Outbox', exact: true }).first().click();
    await admin.getByRole('heading', { name: 'Outbox' }).waitFor();
    const row = admin.getByRole('table', { name: 'Messages' }).getByRole('row', { name: /test message/ });
    await row.first().waitFor();
    expect(await row.first().innerText()).toContain(ADMIN.email);
  });
});

describe('mail over SMTP', () => {
  it('no banner; Send test mail arrives; the Outbox shows it sent; Retry failed requeues a failure', async () => {
    const admin = await h.newPage();
    await signIn(admin, h.url, ADMIN.email, ADMIN.password);
    await admin.getByRole('heading', { name: 'Manage users' }).waitFor();
    expect(await admin.getByText('Mail is not sent: it goes to the server log.').count()).toBe(0);

    await admin.goto(`${h.url}/settings`);
    const card = admin.getByRole('region', { name: 'Mail' });
    await card.getByText('SMTP', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Check connection' }).click();
    await card.getByText('Connection works').waitFor();
    const before = h.smtp.messages.length;
    await card.getByRole('button', { name: 'Send test mail' }).click();
    await card.getByText('Test mail queued').waitFor();
    const mail = await waitForMail(h.smtp, ADMIN.email, { after: before });
    expect(mail.subject).toContain('test message');

    // A message that failed for good (as after an SMTP outage): listed with its error, then retried.
    await h.server.database.db
      .insertInto('mailOutbox')
      .values({
        id: 'failed-message-1',
        createdAt: Date.now(),
        template: 'test',
        locale: 'en',
        toAddress: 'lost@acme.test',
        subject: 'Acme: test message',
        textBody: 'This is a test message.',
        htmlBody: '<p>This is a test message.</p>',
        status: 'failed',
        attempts: 8,
        nextAttemptAt: Date.now(),
        lockedUntil: null,
        lastError: 'connect ECONNREFUSED 127.0.0.1:2525',
        sentAt: null,
      })
      .execute();
    await admin.goto(`${h.url}/outbox`);
    await admin.getByRole('heading', { name: 'Outbox' }).waitFor();
    const table = admin.getByRole('table', { name: 'Messages' });
    await table
      .getByRole('row', { name: new RegExp(ADMIN.email.replace('.', '\\.')) })
      .first()
      .getByText('Sent')
      .waitFor();
    await table
      .getByRole('row', { name: /lost@acme\.test/ })
      .getByText(/ECONNREFUSED/)
      .waitFor();
    await expectAccessible(admin, 'the Outbox');
    await admin.getByRole('button', { name: 'Retry failed' }).click();
    await admin.getByText('1 message queued again').waitFor();
    await waitForMail(h.smtp, 'lost@acme.test', { after: before });
  });
});
