import type { Command } from 'commander';
import { EmailInput, NameInput } from '../../http/schemas.js';
import { parsedBy } from '../arguments.js';
import { createUserFromShell } from '../create-user.js';
import { action } from '../output.js';
import { addPasswordOptions, type PasswordFlags } from '../password-input.js';

interface AdminCreateOptions extends PasswordFlags {
  email: string;
  name: string;
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Manage administrators from the shell');

  addPasswordOptions(
    admin
      .command('create')
      .summary('Create an admin (first run or break-glass)')
      .description(
        'Create an admin, whether or not users exist (first run or break-glass); audited as actor "cli". ' +
          'The password is temporary: the admin must choose their own at first sign-in. ' +
          'On a terminal it is asked for twice without echo; otherwise pass --password-stdin or --generate.',
      )
      .requiredOption('--email <email>', "the new admin's email address", parsedBy(EmailInput))
      .requiredOption('--name <name>', "the new admin's name", parsedBy(NameInput)),
  ).action(action((options: AdminCreateOptions) => createUserFromShell(options, 'admin')));
}
