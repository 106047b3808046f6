type Tree = { [key: string]: string | Tree };

/**
 * French has a third plural category, "many" (1 000 000, 2 000 000…), which reads like "other":
 * the catalogue writes _one and _other, and _many is copied from _other here, so a million users
 * never falls back to English.
 */
export function withManyFromOther<T extends object>(catalogue: T): T {
  const out: Tree = {};
  for (const [key, value] of Object.entries(catalogue as Tree)) {
    out[key] = typeof value === 'string' ? value : withManyFromOther(value);
    const base = key.endsWith('_other') ? key.slice(0, -'_other'.length) : null;
    if (base !== null && typeof value === 'string' && !(`${base}_many` in catalogue))
      out[`${base}_many`] = value;
  }
  return out as T;
}
