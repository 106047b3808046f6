/**
 * The pseudo-locale (`?lang=pseudo`): every catalogue value with its letters accented and wrapped in
 * [!! … !!]. A screen in the pseudo-locale that still shows plain ASCII words shows a string that
 * does not come from the catalogue (test/browser/i18n.test.ts walks every screen for them).
 */
export const PSEUDO_LANGUAGE = 'en-XA';

const ACCENTED: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i) => [
    c,
    [...'åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ'][i] ?? c,
  ]),
);

/** Placeholders ({{name}}) and Trans tags (<strong>, <1>) stay as they are: i18next must still find them. */
const KEEP = /(\{\{[^}]*\}\}|<\/?[a-z0-9]+\s*\/?>)/;

export function pseudoLocalize(text: string): string {
  const body = text
    .split(KEEP)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[A-Za-z]/g, (c) => ACCENTED[c] ?? c)))
    .join('');
  return `[!! ${body} !!]`;
}

type Tree = { [key: string]: string | Tree };

export function pseudoCatalogue<T extends Tree>(catalogue: T): T {
  const out: Tree = {};
  for (const [key, value] of Object.entries(catalogue)) {
    out[key] = typeof value === 'string' ? pseudoLocalize(value) : pseudoCatalogue(value);
  }
  return out as T;
}
