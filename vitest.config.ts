import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share their worker's module cache instead of loading the app's modules again each
    // (about a second per file), and what one compiled once (the app's response serializers, ~2 s)
    // serves the next. Nothing in the suite mocks modules; what a file opens it closes
    // (test/file-cleanup.ts, registered for every file by the setup file).
    isolate: false,
    setupFiles: ['test/setup.ts'],
  },
});
