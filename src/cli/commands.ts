import type { Command } from 'commander';
import { ConfigError, type Config } from '../config/config.js';
import { openSecretBox } from '../app/secret-keys.js';
import { createDb } from '../db/db.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerAppsCommands } from './commands/apps.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerInvitationCommands } from './commands/invitations.js';
import { registerMailCommands } from './commands/mail.js';
import { registerUserCommands } from './commands/users.js';
import { configFromEnvironment, exitWith } from './environment.js';
import { action, ExitCode, out, reportError } from './output.js';

/**
 * A server that cannot listen says why in one line with its own exit code (README: exit codes),
 * never a stack trace: the port taken, a port not permitted, a HOST that is not this machine's.
 */
function startFailure(error: unknown, config: Config): never {
  if (error instanceof ConfigError) exitWith(ExitCode.config, `configuration: ${error.message}`);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `PORT=${config.port} on HOST=${config.host}`;
  if (code === 'EADDRINUSE')
    exitWith(
      ExitCode.unavailable,
      `${where}: the port is already in use (another Gatehouse or program listens there); stop it or choose another PORT`,
    );
  if (code === 'EACCES')
    exitWith(
      ExitCode.noPermission,
      `${where}: not permitted to listen on this port (ports below 1024 need privileges); choose another PORT`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    exitWith(
      ExitCode.config,
      `configuration: HOST=${JSON.stringify(config.host)}: not an address of this machine`,
    );
  process.exit(reportError(error));
}

export function registerCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP server (migrates the database first)')
    .action(async () => {
      const config = configFromEnvironment();
      try {
        // The secret key first (PostgreSQL refuses to start without one), before the HTTP stack loads:
        // a start refused for its configuration says so in one line, with nothing printed before it.
        const secrets = openSecretBox(config);
        // Loaded only here: the other commands start faster without the HTTP stack.
        const { startServer } = await import('../app/server.js');
        await startServer(config, { secrets });
      } catch (error) {
        startFailure(error, config);
      }
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
  registerAppsCommands(program);
}
