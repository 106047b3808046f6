import { afterAll } from 'vitest';

/*
 * What a test file opened (apps, databases, servers) is closed when the file ends, last opened first.
 * Helpers register here from anywhere, inside tests and `beforeAll` too, where vitest would never run
 * an `afterAll` of their own. test/setup.ts (a setup file: vitest runs it again for every test file,
 * also when files share a worker without isolation) calls `closeFileResources` after each file.
 */
const open: Array<() => Promise<void>> = [];

export function closeAfterFile(close: () => Promise<void>): void {
  open.push(close);
}

export async function closeFileResources(): Promise<void> {
  for (const close of open.splice(0).reverse()) await close();
}

/** Registers the per-file cleanup: called by test/setup.ts, once per test file. */
export function closeResourcesAfterEachFile(): void {
  afterAll(closeFileResources);
}
