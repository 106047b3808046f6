#!/usr/bin/env node
/**
 * After `tsc`: the CLI entry point gets its run bit. tsc writes files without it, and an installed
 * package's bin (or `npx --no gatehouse` inside the checkout) runs dist/src/cli/main.js directly.
 */
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
chmodSync(join(root, 'dist', 'src', 'cli', 'main.js'), 0o755);
