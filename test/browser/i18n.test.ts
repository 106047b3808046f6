/**
 * The console speaks through its catalogue (issue 11, item 6), in Chromium against the built console
 * and a real server:
 * - French end to end: a French browser gets French signed-out pages; a user's own language (set in
 *   My account) and the organization's default (Settings) rule once signed in; an admin resets a
 *   password in French, the user meets the forced change in French.
 * - The pseudo-locale (`?lang=pseudo`): every screen is walked, and any visible text, accessible
 *   name, title or placeholder still in plain letters (a string outside the catalogue) fails.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from './harness.js';

// Passphrases free of the users' names, emails, "acme" and "gatehouse" (the policy's context words).
const ADMIN = { email: 'ana.lima@acme.test', name: 'Ana Lima', password: 'violet tugboat orbit 7319' };
const TEMPORARY = 'copper lantern meadow 2048';
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

const lang = (page: Page) => page.evaluate('document.documentElement.lang') as Promise<string>;

/** Signs in through the form by field names (the labels depend on the language). */
async function signInByName(page: Page, email: string, password: string): Promise<void> {
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
}

describe('the console in French', () => {
  it('sign-in, Manage users, Reset password and the forced change, in French end to end', async () => {
    const bob = await h.server.seedUser({
      email: 'bob.stone@acme.test',
      name: 'Bob Stone',
      password: 'first quiet pencil 8812',
    });

    // Signed out, a French browser gets French pages.
    const admin = await h.newPage({ locale: 'fr-FR' });
    await admin.goto(`${url}/sign-in`);
    await admin.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(await lang(admin)).toBe('fr');
    await admin.getByRole('link', { name: 'Mot de passe oublié ?' }).waitFor();
    // A server error shows the console's own words for its code.
    await admin.getByLabel('E-mail', { exact: true }).fill(ADMIN.email);
    await admin.getByLabel('Mot de passe', { exact: true }).fill('not the password at all');
    await admin.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await admin.getByText('L’e-mail ou le mot de passe est incorrect.').waitFor();
    await admin.getByLabel('Mot de passe', { exact: true }).fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Se connecter', exact: true }).click();

    // Signed in with no language of her own: the organization's default (English here)...
    await admin.getByRole('heading', { name: 'Manage users' }).waitFor();
    expect(await lang(admin)).toBe('en');
    // ...until she chooses French in My account: the console switches at once.
    await admin.goto(`${url}/account`);
    await admin.getByLabel('Language', { exact: true }).selectOption('fr');
    await admin.getByRole('button', { name: 'Save language' }).click();
    await admin.getByRole('heading', { name: 'Mon compte' }).waitFor();
    await admin.getByText('Langue enregistrée.').waitFor();
    expect(await lang(admin)).toBe('fr');

    // The organization's default becomes French too (Bob has no language of his own).
    await admin.getByRole('link', { name: 'Paramètres' }).click();
    await admin.getByRole('heading', { name: 'Paramètres' }).waitFor();
    await admin.getByLabel('Langue par défaut', { exact: true }).selectOption('fr');
    await admin.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await admin.getByText('Paramètres enregistrés.').waitFor();

    // Manage users, in French, with French plurals.
    await admin.getByRole('button', { name: 'Menu du profil' }).click();
    await admin.getByRole('menuitem', { name: 'Gérer les utilisateurs' }).click();
    await admin.getByRole('heading', { name: 'Gérer les utilisateurs' }).waitFor();
    await admin.getByText('2 utilisateurs', { exact: true }).waitFor();
    await admin.getByRole('columnheader', { name: 'Dernière connexion' }).waitFor();
    const bobRow = admin.getByRole('row', { name: /Bob Stone/ });
    await bobRow.getByText('Membre', { exact: true }).waitFor();
    await bobRow.getByText('Jamais', { exact: true }).waitFor();

    // Reset password, in French.
    await admin.getByRole('button', { name: 'Actions pour Bob Stone' }).click();
    await admin.getByRole('menuitem', { name: 'Réinitialiser le mot de passe' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Réinitialiser le mot de passe de Bob Stone' });
    await dialog.waitFor();
    await dialog.getByText('Comment voulez-vous le réinitialiser\u202f?').waitFor();
    expect(await dialog.getByRole('radio', { name: /Saisir un nouveau mot de passe/ }).isChecked()).toBe(
      true,
    );
    await dialog
      .getByText(
        'Bob est déconnecté partout\u00a0: toutes ses sessions prennent fin et ses jetons d’API sont révoqués maintenant.',
      )
      .waitFor();
    await dialog.getByText(/Le mot de passe temporaire expire au bout de 72 heures\./).waitFor();
    await dialog.getByLabel('Nouveau mot de passe temporaire').fill('short');
    await dialog.getByText('Au moins 15 caractères').waitFor();
    await dialog.getByLabel('Nouveau mot de passe temporaire').fill(TEMPORARY);
    await dialog.getByText(/Robustesse\u00a0:/).waitFor();
    await dialog.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await dialog.getByText('Mot de passe réinitialisé', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Terminé' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await bobRow.getByText('Mot de passe temporaire').waitFor();

    // Bob, French browser: the temporary password leads to the forced change, in French.
    const user = await h.newPage({ locale: 'fr-FR' });
    await user.goto(`${url}/sign-in`);
    await user.getByRole('heading', { name: 'Connexion' }).waitFor();
    await signInByName(user, bob.email, TEMPORARY);
    await user.waitForURL('**/change-password');
    await user.getByRole('heading', { name: 'Choisissez un nouveau mot de passe' }).waitFor();
    await user.getByText(/Choisissez votre propre mot de passe pour continuer, Bob Stone\./).waitFor();
    await user.getByText(`Connecté en tant que ${bob.email}.`).waitFor();
    await user.getByLabel('Mot de passe temporaire', { exact: true }).fill('wrong temporary pass 1234');
    await user.getByLabel('Nouveau mot de passe', { exact: true }).fill(CHOSEN);
    await user.getByRole('button', { name: 'Définir le nouveau mot de passe' }).click();
    await user.getByText('Le mot de passe temporaire est incorrect.').waitFor();
    await user.getByLabel('Mot de passe temporaire', { exact: true }).fill(TEMPORARY);
    await user.getByLabel('Nouveau mot de passe', { exact: true }).fill(CHOSEN);
    await user.getByRole('button', { name: 'Définir le nouveau mot de passe' }).click();
    await user.waitForURL('**/account');
    await user.getByRole('heading', { name: 'Mon compte' }).waitFor();
    await user.getByText('Votre mot de passe a été changé.').waitFor();
    expect(await lang(user)).toBe('fr');
    expect(await user.title()).toBe('Mon compte · Gatehouse');
  });

  it('an English browser still gets English signed-out pages', async () => {
    const page = await h.newPage({ locale: 'en-GB' });
    await page.goto(`${url}/forgot-password`);
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    expect(await lang(page)).toBe('en');
  });
});

/**
 * Every text node, accessible name, title and placeholder on the page that is still in plain letters
 * once the allowed data (people's names and emails, the organization, product names in a user
 * agent) are taken out: a string that did not come from the catalogue.
 */
async function plainStrings(page: Page, data: string[]): Promise<string[]> {
  const userAgent = await page.evaluate(() => navigator.userAgent);
  const allowed = [...data, userAgent, 'Chrome', 'Linux'].sort((a, b) => b.length - a.length);
  // Evaluated in the page as a string: the server's tsconfig has no DOM types (as in harness.ts).
  return (await page.evaluate(`(${PLAIN_STRINGS_IN_PAGE})(${JSON.stringify(allowed)})`)) as string[];
}

const PLAIN_STRINGS_IN_PAGE = `(allowedData) => {
  const found = [];
  const check = (where, text) => {
    let rest = text;
    for (const value of allowedData) rest = rest.split(value).join('');
    if (/[A-Za-z]/.test(rest)) found.push(where + ': ' + text.trim().slice(0, 160));
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // <code> shows identifiers on purpose (an action code, a request id, raw details).
    if (!node.parentElement || node.parentElement.closest('script, style, noscript, code')) continue;
    if (node.textContent.trim()) check('text in <' + node.parentElement.tagName.toLowerCase() + '>', node.textContent);
  }
  for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = element.getAttribute(attribute);
      if (value) check(attribute + ' of <' + element.tagName.toLowerCase() + '>', value);
    }
  }
  check('document.title', document.title);
  return found;
}`;

describe('the pseudo-locale', () => {
  // A long walk (every screen and dialog, each checked by a full-page scan): twice the default timeout.
  it('every screen shows only catalogue strings (pseudo-localized) besides user data', async () => {
    const carol = await h.server.seedUser({
      email: 'carol.jones@acme.test',
      name: 'Carol Jones',
      password: 'first quiet pencil 8812',
    });
    const dan = await h.server.seedUser({
      email: 'dan.moss@acme.test',
      name: 'Dan Moss',
      password: TEMPORARY,
      temporary: true,
    });
    const data = [
      ADMIN.email,
      ADMIN.name,
      carol.email,
      carol.name,
      dan.email,
      dan.name,
      'bob.stone@acme.test',
      'Bob Stone',
      'new.person@acme.test',
      'not-an-address',
      'nobody@acme.test',
      // The CLI's user agent (the seeded users were created through the CLI's context).
      'gatehouse-cli',
      'Acme',
      // The operator's MAIL_FROM, shown in Settings → Mail.
      'Acme Accounts <accounts@acme.test>',
    ];
    // First names too: the dialogs address people by them ("Carol gets an email…").
    data.push(...data.filter((d) => !d.includes('@') && d.includes(' ')).map((d) => d.split(' ')[0]!));
    const seen: string[] = [];
    const expectPseudo = async (page: Page, screen: string) => {
      // Settle: no spinner left, then walk.
      await page
        .locator('.spinner:not(.btn .spinner)')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      expect(await plainStrings(page, data), screen).toEqual([]);
      expect(await page.locator('body').innerText(), `${screen} is pseudo-localized`).toContain('[!!');
      seen.push(screen);
    };

    // Signed out.
    const page = await h.newPage({ locale: 'en-US' });
    await page.goto(`${url}/sign-in?lang=pseudo`);
    await page.locator('h1').filter({ hasText: '[!!' }).waitFor();
    expect(await lang(page)).toBe('en-XA');
    await expectPseudo(page, 'sign-in');
    await signInByName(page, ADMIN.email, 'not the password at all');
    await page.locator('[role="alert"]').waitFor();
    await expectPseudo(page, 'sign-in with an error');
    await page.goto(`${url}/forgot-password`);
    await expectPseudo(page, 'forgot password');
    await page.locator('input[name="email"]').fill('nobody@acme.test');
    await page.locator('form button[type="submit"]').click();
    await page.locator('.alert-success').waitFor();
    await expectPseudo(page, 'forgot password, sent');
    await page.goto(`${url}/reset-password?token=not-a-token`);
    await page.locator('.alert-warning').waitFor();
    await expectPseudo(page, 'reset password, invalid link');
    await page.goto(`${url}/invitations/accept?token=not-a-token`);
    await page.locator('.alert-warning').waitFor();
    await expectPseudo(page, 'accept invitation, invalid link');
    await page.goto(`${url}/setup`);
    await expectPseudo(page, 'setup, no token');

    // Signed in as the admin: every console page, menu and dialog.
    await page.goto(`${url}/sign-in`);
    await signInByName(page, ADMIN.email, ADMIN.password);
    await page.waitForURL('**/users');
    await page.locator('table').waitFor();
    await expectPseudo(page, 'Manage users');
    await page.locator('.profile-button').click();
    await page.getByRole('menu').waitFor();
    await expectPseudo(page, 'profile menu');
    await page.keyboard.press('Escape');

    const rowMenu = async () => {
      await page
        .getByRole('row', { name: /Carol Jones/ })
        .locator('.row-menu-button')
        .click();
      await page.getByRole('menu').waitFor();
    };
    await rowMenu();
    await expectPseudo(page, 'the ⋮ menu of a user');
    await page.getByRole('menuitem').nth(0).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    for (const [i, method] of ['type', 'generate', 'email', 'copy'].entries()) {
      await dialog.getByRole('radio').nth(i).check();
      await expectPseudo(page, `Reset password dialog, ${method}`);
    }
    await dialog.getByRole('radio').nth(0).check();
    await dialog.locator('input[name="new-password"]').fill('abc');
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.field-error').waitFor();
    await expectPseudo(page, 'Reset password dialog, a weak password');
    await dialog.getByRole('radio').nth(1).check();
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.copy-field').waitFor();
    await expectPseudo(page, 'Reset password dialog, generated password');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    for (const [item, screen] of [
      [1, 'Reset access dialog'],
      [2, 'Change role dialog'],
      [3, 'Sign out everywhere dialog'],
      [4, 'API tokens dialog'],
      [5, 'Rename dialog'],
      [6, 'Change email dialog'],
      [7, 'Deactivate dialog'],
      [8, 'Delete user dialog'],
    ] as const) {
      await rowMenu();
      await page.getByRole('menuitem').nth(item).click();
      await dialog.waitFor();
      await expectPseudo(page, screen);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    }

    // Add user (issue 14): the dialog, a refused submit, each way in.
    await page.locator('.page-actions button.btn-secondary').click();
    await dialog.waitFor();
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.field-error').first().waitFor();
    for (const [i, method] of ['generate', 'type', 'invite'].entries()) {
      await dialog.getByRole('radio').nth(i).check();
      await expectPseudo(page, `Add user dialog, ${method}`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // A user's page (issue 14): profile, lock state, sessions, tokens, activity.
    await page.getByRole('table').getByRole('link').first().click();
    await page.locator('.facts').waitFor();
    await page.locator('.audit-list').waitFor();
    await expectPseudo(page, 'the user page');
    await page.goto(`${url}/users`);
    await page.getByRole('table').waitFor();

    // Invite: a refused address, then a real invitation; the invitations list.
    await page.locator('.page-actions button.btn-primary').click();
    await dialog.waitFor();
    await dialog.locator('textarea').fill('not-an-address');
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.field-error').waitFor();
    await expectPseudo(page, 'Invite users dialog, a bad address');
    await dialog.locator('textarea').fill('new.person@acme.test, ana.lima@acme.test');
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.result-list').waitFor();
    await expectPseudo(page, 'Invite users dialog, results');
    await page.keyboard.press('Escape');
    await page.goto(`${url}/users?status=invited`);
    await page.getByRole('row', { name: /new\.person/ }).waitFor();
    await expectPseudo(page, 'Manage users, invitations');
    await page.goto(`${url}/users?q=nobody-at-all`);
    await page.locator('.empty-state').waitFor();
    await expectPseudo(page, 'Manage users, no match');

    await page.goto(`${url}/audit`);
    await page.locator('.audit-item').first().waitFor();
    for (const summary of await page.locator('.audit-details summary').all()) await summary.click();
    await expectPseudo(page, 'Audit log, details open');
    await page.goto(`${url}/settings`);
    await page.locator('form .card').first().waitFor();
    await expectPseudo(page, 'Settings');
    // The Outbox lists stored messages: their subjects were written in each recipient's language.
    const subjects = await h.server.database.db.selectFrom('mailOutbox').select('subject').execute();
    data.push(...subjects.map((m) => m.subject));
    await page.goto(`${url}/outbox`);
    await page.locator('.list-panel table').waitFor();
    await expectPseudo(page, 'Outbox');
    await page.goto(`${url}/account`);
    await page.locator('.session-item').first().waitFor();
    await page.locator('input[name="new-password"]').fill('a few words');
    await expectPseudo(page, 'My account');
    await page.goto(`${url}/no-such-page`);
    await expectPseudo(page, 'Not found');

    // Dan, with a temporary password: the forced change; then, a member, the admins-only page.
    const member = await h.newPage({ locale: 'en-US' });
    await member.goto(`${url}/sign-in?lang=pseudo`);
    await signInByName(member, dan.email, TEMPORARY);
    await member.waitForURL('**/change-password');
    await member.locator('input[name="new-password"]').waitFor();
    await expectPseudo(member, 'forced change');
    await member.locator('input[name="current-password"]').fill(TEMPORARY);
    await member.locator('input[name="new-password"]').fill(CHOSEN);
    await member.locator('form button[type="submit"]').click();
    await member.waitForURL('**/account');
    await member.goto(`${url}/users`);
    await member.locator('.empty-state').waitFor();
    await expectPseudo(member, 'admins only');

    expect(seen.length).toBeGreaterThanOrEqual(25);
  }, 120_000);
});
