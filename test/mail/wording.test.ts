import { beforeAll, describe, expect, it } from 'vitest';
import { loadLocales, renderMail, type TemplateName } from '../../src/modules/mail/index.js';
import { buildTestApp, request, seedUser, signedIn, type TestApp } from '../harness.js';

/**
 * Issue 14 (minor): mail wording. Every template rendered in every shipped language, at the counts
 * where plural rules differ (0, 1, 2): "1 minute", never "1 minutes"; the plain-text part never
 * points at a button it does not have; French text keeps French typography (a no-break space before
 * ":" — U+00A0 or the narrow U+202F — a narrow no-break space before ";", "?", "!" and inside « »);
 * and the organization's logo (branding setting) heads the HTML part.
 */
const LINK = 'https://id.example.test/reset-password?token=abcDEF123';

function varsFor(count: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    org: 'Fabrique',
    recipientName: 'Ana',
    signInUrl: 'https://id.example.test/sign-in',
    link: LINK,
    minutes: String(count),
    hours: String(count),
    linkMinutes: String(count),
    remaining: String(count),
    inviter: 'Bo',
    role: 'member',
    from: 'member',
    to: 'admin',
    tokenName: 'deploy',
    prefix: 'ghk_ab12',
    factor: 'Authenticator app',
    scope: 'all',
    reason: 'Lost phone',
    newEmail: 'ana.new@example.test',
    oldEmail: 'ana@example.test',
    byAdmin: 'yes',
    ...extra,
  };
}

/** Text a reader sees, without URLs and addresses (their colons are not punctuation). */
const prose = (text: string) =>
  text
    .replace(/https?:\/\/\S+/g, 'URL')
    .replace(/\S+@\S+/g, 'ADDRESS')
    .replace(/ghk_\w+/g, 'PREFIX');

/** "1 minutes", "1 heures", "1 recovery codes": a count of one with the plural form. */
const WRONG_SINGULAR = /(?<![\d.])1 (minutes|hours|heures|recovery codes|codes de secours)\b/;
/** "2 minute", "2 hour": a count above one with the singular form. */
const WRONG_PLURAL = /(?<![\d.])([2-9]|\d{2,}) (minute|hour|heure|recovery code|code de secours)(?![a-z])/;

function frenchTypographyProblems(text: string): string[] {
  const found: string[] = [];
  const s = prose(text);
  for (const [i, ch] of [...s].entries()) {
    const before = [...s][i - 1];
    if (ch === ':' && before !== '\u00a0' && before !== '\u202f') found.push(`":" without a no-break space`);
    if ([';', '?', '!'].includes(ch) && before !== '\u202f')
      found.push(`"${ch}" without a narrow no-break space`);
    if (ch === '«' && [...s][i + 1] !== '\u202f') found.push('« without a narrow no-break space after it');
    if (ch === '»' && before !== '\u202f') found.push('» without a narrow no-break space before it');
  }
  return found;
}

describe('mail wording in every language', () => {
  let templates: TemplateName[];
  let locales: string[];

  beforeAll(async () => {
    const all = await loadLocales();
    locales = [...all.keys()];
    templates = Object.keys(all.get('en')?.templates ?? {}) as TemplateName[];
  });

  /** Every template in every language, at counts 0, 1, 2 and 24, with and without the optional parts. */
  async function renderAll() {
    const out: Array<{ where: string; locale: string; subject: string; text: string; html: string }> = [];
    for (const locale of locales) {
      for (const template of templates) {
        for (const count of [0, 1, 2, 24]) {
          for (const extra of [{}, { earlierLink: 'open', scope: 'factors', byAdmin: '' }] as Array<
            Record<string, string>
          >) {
            const mail = await renderMail(template, locale, varsFor(count, extra) as never);
            out.push({
              where: `${locale} ${template} (${count}, ${JSON.stringify(extra)})`,
              locale,
              ...mail,
            });
          }
        }
      }
    }
    return out;
  }

  it('covers every template in English and French', () => {
    expect(locales).toEqual(expect.arrayContaining(['en', 'fr']));
    expect(templates.length).toBeGreaterThanOrEqual(19);
  });

  it('counts take the plural form their language asks for ("1 minute", "2 minutes", "1 heure")', async () => {
    const problems: string[] = [];
    for (const mail of await renderAll()) {
      for (const part of [mail.subject, mail.text]) {
        const bad = WRONG_SINGULAR.exec(part) ?? WRONG_PLURAL.exec(part);
        if (bad) problems.push(`${mail.where}: "${bad[0]}"`);
      }
    }
    expect(problems).toEqual([]);
    const one = await renderMail('password_reset', 'en', varsFor(1) as never);
    expect(one.text).toContain('expires in 1 minute.');
    const two = await renderMail('admin_reset_link', 'fr', varsFor(2) as never);
    expect(two.text).toContain('expire dans 2 heures.');
    const heure = await renderMail('invitation', 'fr', varsFor(1) as never);
    expect(heure.text).toContain('expire dans 1 heure.');
  });

  it('the plain-text part never mentions a button (it has none): it speaks of the link', async () => {
    const problems: string[] = [];
    for (const mail of await renderAll()) {
      if (/\b(button|bouton|click|cliquez)/i.test(mail.text)) problems.push(mail.where);
    }
    expect(problems).toEqual([]);
  });

  it('French text keeps French typography (subjects and bodies, both parts)', async () => {
    const problems: string[] = [];
    for (const mail of (await renderAll()).filter((m) => m.locale === 'fr')) {
      for (const [part, text] of [
        ['subject', mail.subject],
        ['text', mail.text],
      ] as const) {
        for (const problem of frenchTypographyProblems(text))
          problems.push(`${mail.where} ${part}: ${problem}`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    // The label and its link in the text part, too.
    const reset = await renderMail('password_reset', 'fr', varsFor(30) as never);
    expect(reset.text).toContain(`Choisir un nouveau mot de passe\u00a0: ${LINK}`);
  });

  it('branding: the logo heads the HTML part (https only), named by the organization', async () => {
    const withLogo = await renderMail('test', 'en', {
      ...varsFor(1),
      logoUrl: 'https://cdn.example.test/logo.png',
    } as never);
    expect(withLogo.html).toContain('<img src="https://cdn.example.test/logo.png" alt="Fabrique"');
    const insecure = await renderMail('test', 'en', {
      ...varsFor(1),
      logoUrl: 'http://x.test/l.png',
    } as never);
    expect(insecure.html).not.toContain('<img');
    const none = await renderMail('test', 'en', varsFor(1) as never);
    expect(none.html).not.toContain('<img');
  });
});

describe('branding setting reaches the mail that is queued', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = (await signedIn(t, 'admin')).cookie;
  });

  it('the saved organization name and logo are in the next message', async () => {
    const res = await request(t, admin, {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { organizationName: 'Atelier Nord', logoUrl: 'https://cdn.example.test/nord.svg' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const user = await seedUser(t, { email: 'brand.reader@example.test' });
    const link = await request(t, admin, {
      method: 'POST',
      url: `/api/v1/users/${user.id}/password-reset-link`,
      payload: { send: true },
    });
    expect(link.statusCode, link.body).toBe(200);
    const row = await t.db.db
      .selectFrom('mailOutbox')
      .select(['subject', 'textBody', 'htmlBody'])
      .where('toAddress', '=', user.email)
      .where('template', '=', 'admin_reset_link')
      .executeTakeFirstOrThrow();
    expect(row.subject).toContain('Atelier Nord');
    expect(row.textBody).toContain('— Atelier Nord');
    expect(row.htmlBody).toContain('<img src="https://cdn.example.test/nord.svg" alt="Atelier Nord"');
  });
});
