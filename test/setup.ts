import { closeResourcesAfterEachFile } from './file-cleanup.js';

// vitest runs this before every test file (vitest.config.ts setupFiles), in the file's worker.
closeResourcesAfterEachFile();
