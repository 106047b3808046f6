#!/usr/bin/env node
/**
 * After `tsc`: the CLI entry point gets its run bit. tsc writes files without it, and an installed
 * package's bin (or `npx --no gatehouse` inside the checkout) runs dist/src/cli/main.js directly.
 */
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The output directory is dist/ of the checkout, or the one given (the packaging test builds elsewhere).
const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
chmodSync(join(dist, 'src', 'cli', 'main.js'), 0o755);
