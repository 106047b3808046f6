import type { Command } from 'commander';
import { createDb } from '../db/db.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerInvitationCommands } from './commands/invitations.js';
import { registerMailCommands } from './commands/mail.js';
import { registerUserCommands } from './commands/users.js';
import { configFromEnvironment } from './environment.js';
import { action, out } from './output.js';

export function registerCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP server (migrates the database first)')
    .action(async () => {
      const config = configFromEnvironment();
      // Loaded only here: the other commands start faster without the HTTP stack.
      const { startServer } = await import('../app/server.js');
      await startServer(config);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(
      action(async () => {
        const database = createDb(configFromEnvironment().database);
        try {
          await database.migrate();
          out('Database is up to date.');
        } finally {
          await database.close();
        }
      }),
    );

  registerAdminCommands(program);
  registerUserCommands(program);
  registerInvitationCommands(program);
  registerMailCommands(program);
  registerBackupCommand(program);
  registerAuditCommands(program);
}
