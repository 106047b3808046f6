/**
 * Characters that make a name display differently from what it is (SEC-IN-03): bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text around them ("Eve" shown as
 * "admin" in a list or a mail subject), and zero-width characters (U+200B, U+2060–U+2064, U+FEFF,
 * U+180E) hide inside a name that looks like another. The marks U+200E/U+200F are refused too.
 */
const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e]/u;

/**
 * The zero-width joiners U+200C/U+200D are part of correct spelling in some scripts (Persian,
 * Indic) and of emoji sequences, so they are allowed only between two such characters; anywhere
 * else, next to ASCII or at an edge, they only serve to disguise a name.
 */
const JOINER_IN_WORD =
  /(?<=[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}])[\u200c\u200d](?=[\p{L}\p{M}\p{Extended_Pictographic}])/gu;
// eslint-disable-next-line no-control-regex -- ASCII is what a joiner must never sit next to
const ASCII_NEXT_TO_JOINER = /[\u0000-\u007f][\u200c\u200d]|[\u200c\u200d][\u0000-\u007f]/u;

export function hasDisguisingCharacters(value: string): boolean {
  if (INVISIBLE.test(value) || ASCII_NEXT_TO_JOINER.test(value)) return true;
  return /[\u200c\u200d]/u.test(value.replace(JOINER_IN_WORD, ''));
}
