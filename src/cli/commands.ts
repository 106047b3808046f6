import type { Command } from 'commander';
import { startServer } from '../app/server.js';
import { createDb } from '../db/db.js';
import { configFromEnvironment } from './environment.js';

export function registerCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP server (migrates the database first)')
    .action(async () => {
      await startServer(configFromEnvironment());
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const database = createDb(configFromEnvironment().database);
      try {
        await database.migrate();
        process.stdout.write('Database is up to date.\n');
      } finally {
        await database.close();
      }
    });
}
