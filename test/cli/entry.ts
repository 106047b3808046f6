import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How tests start `gatehouse`: the compiled CLI (dist/src/cli/main.js) when `npm test` has just
 * compiled it and says so in GATEHOUSE_TEST_COMPILED, as an installed package runs it and about a
 * second faster per process than compiling TypeScript on the fly; otherwise (a test file run
 * directly with vitest) the source through tsx. Node arguments go before these.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPILED = join(ROOT, 'dist/src/cli/main.js');
const SOURCE = join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export const GATEHOUSE_ARGS: readonly string[] =
  process.env.GATEHOUSE_TEST_COMPILED === '1' && existsSync(COMPILED)
    ? [COMPILED]
    : ['--import', TSX, SOURCE];
