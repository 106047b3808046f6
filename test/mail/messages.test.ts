import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';
import {
  resetLinkIn,
  closeAfterFile,
  startSmtpCapture,
  TEST_MAIL_FROM,
  type ReceivedMail,
  type SmtpCapture,
} from '../smtp.js';

/**
 * Every message Gatehouse sends so far, received by a real SMTP server and parsed: each has a text
 * and an HTML part, speaks the recipient's language, names the organization, and its link (when it
 * has one) works when followed through the API.
 */

const PUBLIC_URL = 'http://localhost:8080';
const NEW_PASSWORD = 'violet harbour compass 2026';

/**
 * Each request comes from its own client address (TEST-NET-2), so the per-IP limit on forgot-password
 * (SEC-BF-04, tested with the throttle) never interferes with what these tests look at.
 */
let client = 0;
const clientAddress = () => `198.51.100.${(client = (client % 250) + 1)}`;

const forgot = (t: TestApp, email: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/forgot-password',
    payload: { email },
    remoteAddress: clientAddress(),
  });

const deliver = (t: TestApp) => t.app.mail.dispatcher.runOnce();

/** Sends everything due, then returns the messages `email` received, expecting exactly `count`. */
async function mailsTo(t: TestApp, smtp: SmtpCapture, email: string, count: number): Promise<ReceivedMail[]> {
  await deliver(t);
  const got = smtp.to(email);
  expect(
    got.map((m) => m.subject),
    `mail to ${email}`,
  ).toHaveLength(count);
  return got;
}

/** A multipart/alternative message with a text and an HTML part, from the configured sender to one recipient. */
function expectWellFormed(mail: ReceivedMail, email: string, lang: 'en' | 'fr'): void {
  expect(mail.contentTypes).toEqual(
    expect.arrayContaining(['multipart/alternative', 'text/plain', 'text/html']),
  );
  expect(mail.text.trim().length).toBeGreaterThan(20);
  expect(mail.html).toContain(`<html lang="${lang}">`);
  expect(mail.rcptTo).toEqual([email]);
  expect(mail.to).toEqual([email]);
  expect(mail.from).toBe(TEST_MAIL_FROM);
}

/** Follows a reset link through the API: the status check, then the reset itself. */
async function followResetLink(
  t: TestApp,
  mail: ReceivedMail,
  newPassword: string,
): Promise<LightMyRequestResponse> {
  const { link, token } = resetLinkIn(mail.text);
  expect(link.startsWith(`${PUBLIC_URL}/reset-password?token=`)).toBe(true);
  // The HTML part carries the same link, as the button and as visible text.
  expect(mail.html).toContain(`href="${link}"`);
  const status = await t.app.inject({
    method: 'GET',
    url: `/api/v1/auth/reset-password/status?token=${encodeURIComponent(token)}`,
  });
  expect(status.statusCode, status.body).toBe(200);
  expect(status.json()).toMatchObject({ usable: true });
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/reset-password',
    payload: { token, newPassword },
  });
}

const trySignIn = (t: TestApp, email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });

async function setLocale(t: TestApp, userId: string, locale: string | null): Promise<void> {
  await t.db.db.updateTable('users').set({ locale }).where('id', '=', userId).execute();
}

const closing = closeAfterFile();

describe('mail through a real SMTP server', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let adminCookie: string;

  beforeAll(async () => {
    smtp = closing.add(await startSmtpCapture());
    t = closing.add(await buildTestApp({ transport: smtp.transport() }));
    const admin = await seedUser(t, { email: 'mail.admin@example.test', name: 'Ada Admin', role: 'admin' });
    adminCookie = await signIn(t, admin.email, admin.password);
  });

  it('password_reset: forgot-password → mail → status → reset → the new password signs in', async () => {
    const user = await seedUser(t, { email: 'pia.reset@example.test', name: 'Pia Reset' });
    const res = await forgot(t, user.email);
    expect(res.statusCode).toBe(202);
    expect(smtp.to(user.email), 'nothing is sent inside the request').toHaveLength(0);

    const [mail] = await mailsTo(t, smtp, user.email, 1);
    if (!mail) throw new Error('unreachable');
    expectWellFormed(mail, user.email, 'en');
    expect(mail.subject).toBe('Reset your Gatehouse password');
    expect(mail.text).toContain('Hello Pia Reset,');
    expect(mail.text).toContain('expires in 30 minutes');
    expect(mail.text).toContain('— Gatehouse');
    expect(mail.html).toContain('Choose a new password');

    const reset = await followResetLink(t, mail, NEW_PASSWORD);
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await trySignIn(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
    expect((await trySignIn(t, user.email, user.password)).statusCode).toBe(401);

    // password_reset_completed follows the reset.
    const after = await mailsTo(t, smtp, user.email, 2);
    const notice = after[1] as ReceivedMail;
    expectWellFormed(notice, user.email, 'en');
    expect(notice.subject).toBe('Your Gatehouse password was reset');
    expect(notice.text).toContain('all your sessions were signed out');
    expect(notice.text).toContain(`${PUBLIC_URL}/sign-in`);
    expect(notice.text).not.toContain(NEW_PASSWORD);
    expect(notice.text).not.toContain(resetLinkIn(mail.text).token);
  });

  it('admin_reset_link with send: true arrives and its link resets the password', async () => {
    const user = await seedUser(t, { email: 'lou.link@example.test', name: 'Lou Link' });
    const res = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password-reset-link`,
      payload: { send: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().sent).toBe(true);
    expect(res.json().link, 'a sent link is not shown to the admin').toBeUndefined();

    const [mail] = await mailsTo(t, smtp, user.email, 1);
    if (!mail) throw new Error('unreachable');
    expectWellFormed(mail, user.email, 'en');
    expect(mail.subject).toBe('Set a new password for Gatehouse');
    expect(mail.text).toContain('expires in 24 hours');

    const reset = await followResetLink(t, mail, NEW_PASSWORD);
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await trySignIn(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('admin_reset_link with send: false returns the link once and sends no mail', async () => {
    const user = await seedUser(t, { email: 'sam.silent@example.test', name: 'Sam Silent' });
    const res = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password-reset-link`,
      payload: { send: false },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().sent).toBe(false);
    const { link, token } = resetLinkIn(res.json().link as string);
    expect(link.startsWith(`${PUBLIC_URL}/reset-password?token=`)).toBe(true);

    await mailsTo(t, smtp, user.email, 0);
    const queued = await t.db.db
      .selectFrom('mailOutbox')
      .select('id')
      .where('toAddress', '=', user.email)
      .execute();
    expect(queued).toHaveLength(0);

    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token, newPassword: NEW_PASSWORD },
    });
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await trySignIn(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('admin_password_reset notice arrives without the password, typed or generated', async () => {
    const user = await seedUser(t, { email: 'tim.temp@example.test', name: 'Tim Temp' });
    const typed = 'amber quietly meadow lanterns';
    const first = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { password: typed },
    });
    expect(first.statusCode, first.body).toBe(200);
    const second = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { generate: true },
    });
    expect(second.statusCode, second.body).toBe(200);
    const generated = second.json().generatedPassword as string;
    expect(generated.length).toBeGreaterThan(15);

    const mails = await mailsTo(t, smtp, user.email, 2);
    for (const mail of mails) {
      expectWellFormed(mail, user.email, 'en');
      expect(mail.subject).toBe('Your Gatehouse password was reset by an administrator');
      expect(mail.text).toContain(`Sign in: ${PUBLIC_URL}/sign-in`);
      for (const secret of [typed, generated]) expect(mail.raw).not.toContain(secret);
    }
  });

  it('password_changed notice follows a change of one’s own password', async () => {
    const user = await seedUser(t, { email: 'cam.change@example.test', name: 'Cam Change' });
    const cookie = await signIn(t, user.email, user.password);
    const res = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: user.password, newPassword: NEW_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(204);
    const [mail] = await mailsTo(t, smtp, user.email, 1);
    if (!mail) throw new Error('unreachable');
    expectWellFormed(mail, user.email, 'en');
    expect(mail.subject).toBe('Your Gatehouse password was changed');
    expect(mail.text).toContain('If this was not you, contact your administrator right away.');
    for (const secret of [NEW_PASSWORD, user.password]) expect(mail.raw).not.toContain(secret);
  });

  it('role_changed says from which role to which, in words', async () => {
    const user = await seedUser(t, { email: 'rio.role@example.test', name: 'Rio Role', role: 'member' });
    const res = await request(t, adminCookie, {
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      payload: { role: 'viewer' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [mail] = await mailsTo(t, smtp, user.email, 1);
    if (!mail) throw new Error('unreachable');
    expectWellFormed(mail, user.email, 'en');
    expect(mail.subject).toBe('Your role in Gatehouse changed');
    expect(mail.text).toContain('Your role changed from Member to Viewer.');
    expect(mail.html).toContain('Your role changed from Member to Viewer.');
  });

  it('deactivated notice arrives when an admin deactivates the account', async () => {
    const user = await seedUser(t, { email: 'dee.gone@example.test', name: 'Dee Gone' });
    const res = await request(t, adminCookie, { method: 'POST', url: `/api/v1/users/${user.id}/deactivate` });
    expect(res.statusCode, res.body).toBe(200);
    const [mail] = await mailsTo(t, smtp, user.email, 1);
    if (!mail) throw new Error('unreachable');
    expectWellFormed(mail, user.email, 'en');
    expect(mail.subject).toBe('Your Gatehouse account was deactivated');
    expect(mail.text).toContain('You can no longer sign in.');
  });

  it('a user whose locale is fr receives every message type in French', async () => {
    const user = await seedUser(t, { email: 'fleur.fr@example.test', name: 'Fleur Dupont', role: 'member' });
    await setLocale(t, user.id, 'fr');

    // password_reset, followed → password_reset_completed
    expect((await forgot(t, user.email)).statusCode).toBe(202);
    let mails = await mailsTo(t, smtp, user.email, 1);
    const resetMail = mails[0] as ReceivedMail;
    expect(resetMail.subject).toBe('Réinitialisez votre mot de passe Gatehouse');
    expect(resetMail.text).toContain('Bonjour Fleur Dupont,');
    expect(resetMail.text).toContain('expire dans 30 minutes');
    expect((await followResetLink(t, resetMail, NEW_PASSWORD)).statusCode).toBe(204);
    await mailsTo(t, smtp, user.email, 2);

    // admin_reset_link, followed
    const link = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password-reset-link`,
      payload: { send: true },
    });
    expect(link.statusCode, link.body).toBe(200);
    mails = await mailsTo(t, smtp, user.email, 3);
    const linkMail = mails[2] as ReceivedMail;
    expect(linkMail.subject).toBe('Définissez un nouveau mot de passe pour Gatehouse');
    expect(linkMail.text).toContain('expire dans 24 heures');
    const second = 'lilas rivage boussole 4821';
    expect((await followResetLink(t, linkMail, second)).statusCode).toBe(204);

    // password_changed
    const cookie = await signIn(t, user.email, second);
    const change = await request(t, cookie, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: second, newPassword: NEW_PASSWORD },
    });
    expect(change.statusCode, change.body).toBe(204);

    // admin_password_reset, role_changed, deactivated
    const adminReset = await request(t, adminCookie, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password`,
      payload: { generate: true },
    });
    expect(adminReset.statusCode).toBe(200);
    const role = await request(t, adminCookie, {
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      payload: { role: 'admin' },
    });
    expect(role.statusCode).toBe(200);
    const off = await request(t, adminCookie, { method: 'POST', url: `/api/v1/users/${user.id}/deactivate` });
    expect(off.statusCode).toBe(200);

    // Messages queued at the same moment go out in no particular order: compare as a set.
    mails = await mailsTo(t, smtp, user.email, 8);
    for (const mail of mails) expectWellFormed(mail, user.email, 'fr');
    expect(mails.map((m) => m.subject).sort()).toEqual(
      [
        'Réinitialisez votre mot de passe Gatehouse',
        'Votre mot de passe Gatehouse a été réinitialisé',
        'Définissez un nouveau mot de passe pour Gatehouse',
        'Votre mot de passe Gatehouse a été réinitialisé',
        'Votre mot de passe Gatehouse a été modifié',
        'Votre mot de passe Gatehouse a été réinitialisé par un administrateur',
        'Votre rôle dans Gatehouse a changé',
        'Votre compte Gatehouse a été désactivé',
      ].sort(),
    );
    expect(mails.find((m) => m.subject.startsWith('Votre rôle'))?.text).toContain(
      'Votre rôle est passé de Membre à Administrateur.',
    );
  });

  it('mail headers carry no injected lines: control characters in a name or organization are refused, and a sent message has exactly one recipient', async () => {
    const evil = await request(t, adminCookie, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'eve.inject@example.test',
        name: 'Eve\r\nBcc: victim@evil.example',
        role: 'member',
        password: 'amber quietly meadow lanterns',
      },
    });
    expect(evil.statusCode).toBe(400);
    const org = await request(t, adminCookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { organizationName: 'Acme\r\nBcc: victim@evil.example' },
    });
    expect(org.statusCode).toBe(400);
    const email = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email: 'eve@example.test\r\nbcc: victim@evil.example' },
    });
    expect(email.statusCode).toBe(400);

    // What does go out: one From, one To, one Subject, no Bcc/Cc, the envelope to the user alone.
    const user = await seedUser(t, { email: 'hal.header@example.test', name: 'Hal "Header": Bcc <x@y>' });
    expect((await forgot(t, user.email)).statusCode).toBe(202);
    const [mail] = await mailsTo(t, smtp, user.email, 1);
    if (!mail) throw new Error('unreachable');
    const keys = mail.headerLines.map((h) => h.key);
    for (const key of ['from', 'to', 'subject'])
      expect(
        keys.filter((k) => k === key),
        key,
      ).toHaveLength(1);
    expect(keys).not.toContain('bcc');
    expect(keys).not.toContain('cc');
    expect(mail.rcptTo).toEqual([user.email]);
    expect(smtp.messages.some((m) => m.rcptTo.includes('victim@evil.example'))).toBe(false);
    // The name is in the body, escaped in the HTML part.
    expect(mail.text).toContain('Hello Hal "Header": Bcc <x@y>,');
    expect(mail.html).toContain('Hello Hal &quot;Header&quot;: Bcc &lt;x@y&gt;,');
  });
});

describe('the organization’s settings in mail', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let adminCookie: string;

  beforeAll(async () => {
    smtp = closing.add(await startSmtpCapture());
    t = closing.add(await buildTestApp({ transport: smtp.transport() }));
    const admin = await seedUser(t, { email: 'org.admin@example.test', name: 'Olga Admin', role: 'admin' });
    adminCookie = await signIn(t, admin.email, admin.password);
  });

  it('uses the organization name from the settings, and the default locale (en, then fr) for users without one', async () => {
    const plain = await seedUser(t, { email: 'nolocale@example.test', name: 'Noa Locale' });
    const english = await seedUser(t, { email: 'english@example.test', name: 'Eli English' });
    await setLocale(t, english.id, 'en');

    // Out of the box: English, organization "Gatehouse".
    expect((await forgot(t, plain.email)).statusCode).toBe(202);
    let mails = await mailsTo(t, smtp, plain.email, 1);
    expect(mails[0]?.subject).toBe('Reset your Gatehouse password');
    expectWellFormed(mails[0] as ReceivedMail, plain.email, 'en');

    const patch = await request(t, adminCookie, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { organizationName: 'Fabrique Lumière & Co', defaultLocale: 'fr' },
    });
    expect(patch.statusCode, patch.body).toBe(200);

    // A user with no locale now gets French, with the new name everywhere.
    expect((await forgot(t, plain.email)).statusCode).toBe(202);
    mails = await mailsTo(t, smtp, plain.email, 2);
    const french = mails[1] as ReceivedMail;
    expectWellFormed(french, plain.email, 'fr');
    expect(french.subject).toBe('Réinitialisez votre mot de passe Fabrique Lumière & Co');
    expect(french.text).toContain('votre compte Fabrique Lumière & Co');
    expect(french.text).toContain('— Fabrique Lumière & Co');
    expect(french.html).toContain('— Fabrique Lumière &amp; Co');
    expect((await followResetLink(t, french, NEW_PASSWORD)).statusCode).toBe(204);

    // A user whose own locale is en keeps English, with the new name.
    expect((await forgot(t, english.email)).statusCode).toBe(202);
    const [own] = await mailsTo(t, smtp, english.email, 1);
    expectWellFormed(own as ReceivedMail, english.email, 'en');
    expect(own?.subject).toBe('Reset your Fabrique Lumière & Co password');

    // An unknown locale falls back to the organization default.
    await setLocale(t, english.id, 'xx');
    const role = await request(t, adminCookie, {
      method: 'PATCH',
      url: `/api/v1/users/${english.id}`,
      payload: { role: 'viewer' },
    });
    expect(role.statusCode).toBe(200);
    mails = await mailsTo(t, smtp, english.email, 2);
    expect(mails[1]?.subject).toBe('Votre rôle dans Fabrique Lumière & Co a changé');
    expect(mails[1]?.text).toContain('Votre rôle est passé de Membre à Lecteur.');
  });
});

describe('SMTP with AUTH, configured through SMTP_URL', () => {
  it('delivers through a server that requires a user name and password, and /readyz reports the transport', async () => {
    const smtp = closing.add(
      await startSmtpCapture({ auth: { user: 'gatehouse', pass: 's3cret pass:word' } }),
    );
    const env = {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Acme Accounts <accounts@acme.example>',
      SMTP_REQUIRE_TLS: 'false',
    };
    const t = closing.add(await buildTestApp({ env }));
    const user = await seedUser(t, { email: 'auth.smtp@example.test', name: 'Aut Smtp' });

    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().mail).toEqual({ transport: 'smtp', status: 'ok' });

    expect((await forgot(t, user.email)).statusCode).toBe(202);
    const [mail] = await mailsTo(t, smtp, user.email, 1);
    expect(mail?.authUser).toBe('gatehouse');
    expect(mail?.from).toBe('Acme Accounts <accounts@acme.example>');
    expect(mail?.subject).toBe('Reset your Gatehouse password');

    // Wrong credentials: /readyz says so, but readiness does not fail for it (mail waits in the outbox).
    const wrong = closing.add(
      await buildTestApp({
        env: { ...env, SMTP_URL: `smtp://gatehouse:wrong@127.0.0.1:${smtp.port}` },
      }),
    );
    const broken = await wrong.app.inject({ method: 'GET', url: '/readyz' });
    expect(broken.statusCode).toBe(200);
    expect(broken.json().status).toBe('ok');
    expect(broken.json().mail).toMatchObject({ transport: 'smtp', status: 'error' });
    expect(JSON.stringify(broken.json())).not.toContain('wrong');
  });
});
