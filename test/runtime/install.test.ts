import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scale/process.js';

/*
 * Issue 18, items 6 and 8: `npm ci` compiles nothing (no package brings a node-gyp build), every
 * native addon is a prebuilt Node-API binary (so one build serves Node 24 and 26 alike), and no CLI
 * line in the README or docs can make npx download a package of the same name from the registry.
 */

function walk(dir: string, visit: (path: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, visit);
    else if (entry.isFile()) visit(path);
  }
}

const nodeModules = join(ROOT, 'node_modules');

describe('install: nothing to compile', () => {
  it('no installed package has a binding.gyp: npm ci builds no native code', () => {
    const gyp: string[] = [];
    walk(nodeModules, (path) => {
      if (path.endsWith('/binding.gyp')) gyp.push(relative(ROOT, path));
    });
    expect(gyp).toEqual([]);
  });

  it('every native addon (.node) is a prebuilt Node-API module, the production one among them (@node-rs/argon2)', () => {
    const addons: string[] = [];
    walk(nodeModules, (path) => {
      if (path.endsWith('.node') && statSync(path).size > 0) addons.push(path);
    });
    expect(addons.map((a) => relative(nodeModules, a))).toContainEqual(
      expect.stringMatching(/^@node-rs\/argon2-[^/]+\/argon2\.[^/]+\.node$/),
    );
    for (const addon of addons) {
      // A Node-API module exports napi_register_module_v1; an addon built against one Node ABI does not.
      expect(readFileSync(addon).includes('napi_register_module_v1'), relative(ROOT, addon)).toBe(true);
    }
  });
});

describe('docs: no CLI line that npx could resolve to a download', () => {
  it('every `npx gatehouse` in README.md and docs/ says `npx --no gatehouse`', () => {
    const files = ['README.md'];
    walk(join(ROOT, 'docs'), (path) => {
      if (path.endsWith('.md')) files.push(relative(ROOT, path));
    });
    const offending: string[] = [];
    for (const file of files) {
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // npx/npm exec/npm x followed by the command name, without --no (which forbids a download).
          if (
            /\b(?:npx|npm\s+(?:exec|x))\s+(?:(?!--no\b)-\S+\s+)*(?:gatehouse|@gatehouse-id\/server)\b/.test(
              line,
            )
          )
            offending.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });
});
