/**
 * The console's words: every string a person sees goes through i18next and the catalogues beside
 * this file (en.ts, the source, and fr.ts, which must have exactly the same keys). Dates and numbers
 * are formatted with Intl in the active language (lib/format.ts).
 *
 * Which language: a `?lang=` override for the tab (en, fr, or `pseudo` for the pseudo-locale that
 * shows any string left outside the catalogue), else the signed-in user's own language, else the
 * organization's default; on signed-out pages the browser's languages (navigator.languages), else
 * the organization's default (from GET /api/v1/branding), else English. <html lang> follows.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en, type Catalogue } from './en';
import { fr } from './fr';
import { withManyFromOther } from './plurals';
import { PSEUDO_LANGUAGE, pseudoCatalogue, pseudoLocalize } from './pseudo';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export { PSEUDO_LANGUAGE, pseudoLocalize };

const OVERRIDE_KEY = 'gatehouse.lang';

export const catalogues: Record<Language, Catalogue> = { en, fr };

const supported = (tag: string | null | undefined): Language | undefined => {
  const base = tag?.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === base);
};

/**
 * The tab's override: `?lang=fr` (or en, pseudo) is remembered for the tab (sessionStorage), so it
 * survives navigation; `?lang=` with any other value forgets it.
 */
function tabOverride(): string | undefined {
  try {
    const param = new URLSearchParams(window.location.search).get('lang');
    if (param !== null) {
      const value = param === 'pseudo' ? PSEUDO_LANGUAGE : supported(param);
      if (value) window.sessionStorage.setItem(OVERRIDE_KEY, value);
      else window.sessionStorage.removeItem(OVERRIDE_KEY);
    }
    return window.sessionStorage.getItem(OVERRIDE_KEY) ?? undefined;
  } catch {
    return undefined; // storage refused (privacy settings): no override
  }
}

/** The first of the browser's preferred languages the console speaks, if any. */
export function browserLanguage(): Language | undefined {
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const language = supported(tag);
    if (language) return language;
  }
  return undefined;
}

/**
 * What the session says: the user's own language, else the organization's. Signed out (null), the
 * browser's, else the organization's default as the public branding gives it (a French organization's
 * sign-in page is French for a browser that asks only for German), else English.
 */
export function chooseLanguage(
  me: { user: { locale: string | null }; defaultLocale: string } | null,
  organizationDefault?: string | null,
): string {
  return (
    tabOverride() ??
    (me
      ? (supported(me.user.locale) ?? supported(me.defaultLocale) ?? 'en')
      : (browserLanguage() ?? supported(organizationDefault) ?? 'en'))
  );
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: {
    en: { translation: en },
    fr: { translation: withManyFromOther(fr) },
    [PSEUDO_LANGUAGE]: { translation: pseudoCatalogue(en) },
  },
  lng: tabOverride() ?? browserLanguage() ?? 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES, PSEUDO_LANGUAGE],
  // React escapes what it renders; i18next escaping on top would show "&amp;".
  interpolation: { escapeValue: false },
  returnEmptyString: false,
  initAsync: false,
});

const setDocumentLanguage = (language: string) => {
  document.documentElement.lang = language;
};
setDocumentLanguage(i18n.language);
i18n.on('languageChanged', setDocumentLanguage);

export const t = i18n.t.bind(i18n);

/**
 * The locale for Intl formatters: the active language, in the browser's regional variant when it
 * has one (en-GB writes "4 Dec 2026", en-US "Dec 4, 2026"); the pseudo-locale formats as English.
 */
export function intlLocale(): string {
  const language = i18n.language === PSEUDO_LANGUAGE ? 'en' : i18n.language;
  const regional = (navigator.languages?.length ? navigator.languages : [navigator.language]).find(
    (tag) => supported(tag) === language,
  );
  return regional ?? language;
}

/** Text made by Intl (a date, "3 minutes ago"), pseudo-localized too so the pseudo test can tell it from a hard-coded string. */
export function localized(text: string): string {
  return i18n.language === PSEUDO_LANGUAGE ? pseudoLocalize(text) : text;
}
