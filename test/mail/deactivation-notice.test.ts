import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, seedUser, signIn, type TestApp } from '../harness.js';
import { closeAfterFile, startSmtpCapture, type SmtpCapture } from '../smtp.js';

/**
 * Issue 14, Minor: a deactivated user's sign-in gets the generic answer and Forgot password sends
 * nothing new, so the deactivation notice itself says how to ask for access again, in the
 * recipient's language, naming the admin who did it.
 */
const closing = closeAfterFile();

describe('the deactivation notice', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let adminCookie: string;

  beforeAll(async () => {
    smtp = closing.add(await startSmtpCapture());
    t = closing.add(await buildTestApp({ transport: smtp.transport() }));
    const admin = await seedUser(t, { email: 'olga.admin@example.test', name: 'Olga Admin', role: 'admin' });
    adminCookie = await signIn(t, admin.email, admin.password);
  });

  async function deactivate(id: string) {
    const res = await request(t, adminCookie, { method: 'POST', url: `/api/v1/users/${id}/deactivate` });
    expect(res.statusCode, res.body).toBe(200);
    await t.app.mail.dispatcher.runOnce();
  }

  it('says whom to ask for access again, and that a password reset will not help (en)', async () => {
    const user = await seedUser(t, { email: 'dee.gone@example.test', name: 'Dee Gone' });
    await deactivate(user.id);
    const [mail] = smtp.to(user.email);
    expect(mail?.subject).toBe('Your Gatehouse account was deactivated');
    for (const body of [mail?.text, mail?.html]) {
      expect(body).toContain('You can no longer sign in.');
      expect(body).toContain('Resetting your password will not change that.');
      expect(body).toContain(
        'To get access again, ask olga.admin@example.test or another Gatehouse administrator to reactivate your account.',
      );
    }
  });

  it('in French for a French-speaking user', async () => {
    const user = await seedUser(t, { email: 'fleur.partie@example.test', name: 'Fleur Partie' });
    await t.db.db.updateTable('users').set({ locale: 'fr' }).where('id', '=', user.id).execute();
    await deactivate(user.id);
    const [mail] = smtp.to(user.email);
    expect(mail?.subject).toBe('Votre compte Gatehouse a été désactivé');
    expect(mail?.text).toContain(
      'Pour retrouver l’accès, demandez à olga.admin@example.test ou à un autre administrateur de Gatehouse de réactiver votre compte.',
    );
  });
});
