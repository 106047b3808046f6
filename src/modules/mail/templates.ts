import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type TemplateName =
  | 'password_reset'
  | 'admin_reset_link'
  | 'invitation'
  | 'admin_password_reset'
  | 'password_changed'
  | 'password_reset_completed'
  | 'role_changed'
  | 'deactivated'
  | 'lockout'
  | 'token_created'
  | 'mfa_factor_added'
  | 'mfa_factor_removed'
  | 'mfa_recovery_code_used'
  | 'mfa_codes_regenerated'
  | 'mfa_access_reset'
  | 'email_change_confirm'
  | 'email_verify'
  | 'email_changed'
  | 'test';

export type TemplateVars = Record<string, string>;

/** A part of a catalogue's templates, kept in its own file (e.g. locales/mfa.en.ts). */
export type MessageTemplates<K extends TemplateName> = Record<K, (vars: TemplateVars) => MessageContent>;

interface MessageContent {
  subject: string;
  paragraphs: string[];
  action?: { label: string; url: string | undefined };
  footer?: 'ignore' | 'contactAdmin';
}

export interface LocaleCatalogue {
  name: string;
  /** Between an action's label and its URL in the plain-text part (French: a no-break space before the colon). */
  labelSeparator?: string;
  greeting(name: string | undefined): string;
  signature(org: string): string;
  ignore: string;
  contactAdmin: string;
  roles: Record<string, string>;
  templates: Record<TemplateName, (vars: TemplateVars) => MessageContent>;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The inviter's own note in an invitation (plain text, validated by the invitations module): a line
 * that says whose words follow, then each of its lines as a paragraph, rendered as text like the rest.
 */
export function inviterNote(message: string | undefined, intro: string): string[] {
  const lines = (message ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.length === 0 ? [] : [intro, ...lines];
}

/**
 * "1 minute", "2 minutes", "1 heure": the number with the form its language's plural rules choose
 * (Intl.PluralRules: French puts 0 and 1 in `one`, English only 1).
 */
export function countOf(
  locale: string,
  value: string | number | undefined,
  forms: { one: string; other: string },
): string {
  const n = Number(value ?? 0);
  return `${n} ${new Intl.PluralRules(locale).select(n) === 'one' ? forms.one : forms.other}`;
}

const LOCALE_FILE = /^([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.(?:js|ts)$/;
let catalogues: Promise<Map<string, LocaleCatalogue>> | undefined;

/** The languages shipped in ./locales (`en`, `fr`, …), read synchronously for start-up checks. */
export function shippedLocales(): string[] {
  const dir = `${dirname(fileURLToPath(import.meta.url))}/locales`;
  return readdirSync(dir)
    .filter((file) => !file.endsWith('.d.ts'))
    .map((file) => LOCALE_FILE.exec(file)?.[1])
    .filter((code): code is string => code !== undefined)
    .sort();
}

/** Every file in ./locales named like `fr.ts` is a language: adding one is adding one file. */
export function loadLocales(): Promise<Map<string, LocaleCatalogue>> {
  catalogues ??= (async () => {
    const dir = `${dirname(fileURLToPath(import.meta.url))}/locales`;
    const map = new Map<string, LocaleCatalogue>();
    for (const file of readdirSync(dir).sort()) {
      const match = LOCALE_FILE.exec(file);
      if (!match || file.endsWith('.d.ts')) continue;
      const module = (await import(pathToFileURL(`${dir}/${file}`).href)) as { default: LocaleCatalogue };
      map.set(match[1] as string, module.default);
    }
    return map;
  })();
  return catalogues;
}

/** The user's language if Gatehouse speaks it, else the organization default, else English. */
export async function resolveLocale(wanted: string | null | undefined, fallback: string): Promise<string> {
  const all = await loadLocales();
  for (const candidate of [wanted, wanted?.split('-')[0], fallback, 'en']) {
    if (candidate && all.has(candidate)) return candidate;
  }
  return 'en';
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** One structured message rendered twice, so the HTML and text parts always say the same thing. */
export async function renderMail(
  template: TemplateName,
  locale: string,
  vars: TemplateVars & { org: string; recipientName?: string; logoUrl?: string },
): Promise<RenderedMail> {
  const all = await loadLocales();
  const catalogue = all.get(locale) ?? all.get('en');
  if (!catalogue) throw new Error('no mail locales found');
  // Role names (role, and from/to of a role change) are shown in the reader's language.
  const localized: TemplateVars = { ...vars };
  for (const key of ['role', 'from', 'to']) {
    const value = vars[key];
    if (value) localized[key] = catalogue.roles[value] ?? value;
  }
  const content = catalogue.templates[template](localized);
  const greeting = catalogue.greeting(vars.recipientName);
  const footer = content.footer ? catalogue[content.footer] : undefined;
  const signature = catalogue.signature(vars.org);
  const action = content.action?.url ? { label: content.action.label, url: content.action.url } : undefined;

  const text = [
    greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(action ? [`${action.label}${catalogue.labelSeparator ?? ': '}${action.url}`, ''] : []),
    ...(footer ? [footer, ''] : []),
    signature,
    '',
  ].join('\n');

  const button = action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#1d4ed8;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(action.label)}</a></p>` +
      `<p style="font-size:13px;color:#555">${escapeHtml(action.url)}</p>`
    : '';
  const html =
    `<!doctype html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:560px;margin:0 auto;padding:24px">` +
    // Branding: the organization's logo (an https URL, validated when set), named by its alt text.
    (vars.logoUrl?.startsWith('https://')
      ? `<p><img src="${escapeHtml(vars.logoUrl)}" alt="${escapeHtml(vars.org)}" style="max-height:48px;max-width:240px"></p>`
      : '') +
    `<p>${escapeHtml(greeting)}</p>` +
    content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    button +
    (footer ? `<p style="font-size:13px;color:#555">${escapeHtml(footer)}</p>` : '') +
    `<p>${escapeHtml(signature)}</p></body></html>`;

  return { subject: content.subject, text, html };
}
