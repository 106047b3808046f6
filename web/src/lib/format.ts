import { intlLocale, localized, t } from './i18n';

/** Initials for the avatar: "Ana María Pérez" → "AP", "bob@example.com" → "B". */
export function initials(name: string, email = ''): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? email[0] ?? '?';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** Intl formatters for the active language, made once per language. */
const formatters = new Map<string, ReturnType<typeof makeFormatters>>();
const makeFormatters = (locale: string) => ({
  dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
  dateOnly: new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }),
  relative: new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
  number: new Intl.NumberFormat(locale),
});
function intl() {
  const locale = intlLocale();
  let found = formatters.get(locale);
  if (!found) formatters.set(locale, (found = makeFormatters(locale)));
  return found;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return localized(intl().dateTime.format(new Date(iso)));
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return localized(intl().dateOnly.format(new Date(iso)));
}

export function formatNumber(value: number): string {
  return intl().number.format(value);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "yesterday", "in 2 days"; "just now" under a minute. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return t('time.never');
  const seconds = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return localized(intl().relative.format(Math.round(seconds / size), unit));
  }
  return t('time.justNow');
}

type RoleName = 'admin' | 'member' | 'viewer';

/** "Admin", "Membre": a role's name in the active language. */
export const roleLabel = (role: RoleName): string => t(`roles.${role}`);

/** What a role may do, in a sentence. */
export const roleDescription = (role: RoleName): string => t(`roles.${role}Description`);

/** "Chrome on macOS" from a user agent string; good enough to recognise one's own devices. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return t('device.unknown');
  const ua = userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /(Chrome|Chromium|HeadlessChrome)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : /curl\//i.test(ua)
              ? 'curl'
              : null;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /(iPhone|iPad|iPod)/.test(ua)
        ? 'iOS'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  if (browser && os) return t('device.browserOnOs', { browser, os });
  return browser ?? os ?? ua.slice(0, 60);
}
