/**
 * The console's catalogues (web/src/lib/i18n): English and French complete and alike, French
 * typography, every key the console's code names present, every error code the server can send
 * worded, and the pseudo-locale leaving no plain letter behind. No browser: the catalogues are plain
 * objects (test/browser/i18n.test.ts drives the built console).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Tree = { [key: string]: string | Tree };
const ROOT = join(import.meta.dirname, '..', '..');
const I18N = join(ROOT, 'web', 'src', 'lib', 'i18n');

// The console compiles under its own tsconfig (bundler resolution): load its modules at run time.
const load = async <T>(file: string): Promise<T> => (await import(join(I18N, file))) as T;
const { en } = await load<{ en: Tree }>('en.ts');
const { fr } = await load<{ fr: Tree }>('fr.ts');
const { pseudoCatalogue, pseudoLocalize } = await load<{
  pseudoCatalogue(tree: Tree): Tree;
  pseudoLocalize(text: string): string;
}>('pseudo.ts');

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}
const { withManyFromOther } = await load<{ withManyFromOther(tree: Tree): Tree }>('plurals.ts');
const EN = flatten(en);
const FR = flatten(fr);

/** What a translation must keep: its {{placeholders}} and its Trans tags. */
const tokens = (text: string) =>
  [...text.matchAll(/\{\{\s*(\w+)\s*\}\}|<\/?(\w+)\s*\/?>/g)].map((m) => m[0]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') && !path.includes('/i18n/') ? [path] : [];
  });
}

describe('the console catalogues', () => {
  it('en and fr have exactly the same keys, no empty value, and the same placeholders and tags per key', () => {
    expect(EN.size).toBeGreaterThan(300);
    expect([...FR.keys()].sort()).toEqual([...EN.keys()].sort());
    for (const [key, value] of [...EN, ...FR]) expect(value.trim(), key).not.toBe('');
    for (const [key, value] of EN) expect(tokens(FR.get(key) ?? ''), key).toEqual(tokens(value));
  });

  it('French typography: a no-break space before : and a narrow one before ; ? ! and inside « »', () => {
    const problems: string[] = [];
    for (const [key, value] of FR) {
      const text = value.replace(/\{\{[^}]*\}\}/g, 'X');
      if (/(?<![\u00a0\u202f]):/.test(text)) problems.push(`${key}: ":" without a no-break space`);
      if (/(?<!\u202f)[;?!]/.test(text))
        problems.push(`${key}: ";", "?" or "!" without a narrow no-break space`);
      if (/«(?!\u202f)|(?<!\u202f)»/.test(text)) problems.push(`${key}: « » without narrow no-break spaces`);
      if (/[“”]/.test(text)) problems.push(`${key}: English quotation marks`);
    }
    expect(problems).toEqual([]);
  });

  it('every catalogue key the console names in its code exists (plural keys by their _one/_other forms)', () => {
    const namespaces = Object.keys(en);
    const keyLike = new RegExp(`['"\`]((?:${namespaces.join('|')})\\.[A-Za-z0-9_.]+)['"\`]`, 'g');
    const missing: string[] = [];
    let found = 0;
    for (const file of sourceFiles(join(ROOT, 'web', 'src'))) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(keyLike)) {
        found++;
        // Audit action codes ('session.revoked') look like keys: they are words of audit.actions.*.
        const actionCode = EN.has(`audit.actions.${key!.replace(/\./g, '_')}`);
        const known = actionCode || EN.has(key!) || (EN.has(`${key}_one`) && EN.has(`${key}_other`));
        if (!known) missing.push(`${file.slice(ROOT.length + 1)}: ${key}`);
      }
    }
    expect(found).toBeGreaterThan(250);
    expect(missing).toEqual([]);
  });

  it('every error code the server declares has words of its own in the console (en and fr)', async () => {
    const codes = new Set<string>(['network_error', 'unexpected_response']);
    const catalogues = [join(ROOT, 'src', 'shared', 'common.errors.ts')];
    for (const module of readdirSync(join(ROOT, 'src', 'modules'))) {
      for (const file of readdirSync(join(ROOT, 'src', 'modules', module))) {
        if (file.endsWith('.errors.ts')) catalogues.push(join(ROOT, 'src', 'modules', module, file));
      }
    }
    for (const file of catalogues) {
      for (const value of Object.values((await import(file)) as Record<string, unknown>)) {
        const catalogue = (value as { catalogue?: Record<string, unknown> }).catalogue;
        for (const code of Object.keys(catalogue ?? {})) codes.add(code);
      }
    }
    expect(codes.size).toBeGreaterThan(30);
    const missing = [...codes].filter((code) => !EN.has(`errors.${code}`) || !FR.has(`errors.${code}`));
    expect(missing).toEqual([]);
  });

  it('French gets a _many form for every plural (a million users must not fall back to English)', () => {
    expect(new Intl.PluralRules('fr').select(1_000_000)).toBe('many');
    const withMany = flatten(withManyFromOther(fr));
    const others = [...FR.keys()].filter((key) => key.endsWith('_other'));
    expect(others.length).toBeGreaterThan(10);
    for (const key of others) expect(withMany.get(key.replace(/_other$/, '_many')), key).toBe(FR.get(key));
  });

  it('the pseudo-locale accents every letter and keeps placeholders and tags', () => {
    expect(pseudoLocalize('Reset password for {{name}}')).toBe('[!! Ŕéšéţ þåššŵöŕð ƒöŕ {{name}} !!]');
    expect(pseudoLocalize('<inviter/> invited you')).toBe('[!! <inviter/> îñṽîţéð ýöû !!]');
    for (const [key, value] of flatten(pseudoCatalogue(en))) {
      const outside = value.replace(/\{\{[^}]*\}\}|<\/?\w+\s*\/?>/g, '');
      expect(outside, key).toMatch(/^\[!! [^A-Za-z]* !!\]$/);
      expect(tokens(value), key).toEqual(tokens(EN.get(key)!));
    }
  });
});
