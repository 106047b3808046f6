import type { Command } from 'commander';
import { EmailInput, NameInput } from '../../http/schemas.js';
import { createUser, findUserByEmail, userErrors } from '../../modules/users/index.js';
import { cliContext } from '../../shared/context.js';
import { configFromEnvironment } from '../environment.js';
import { action, out, printGeneratedPassword } from '../output.js';
import { addPasswordOptions, passwordSource, readPassword, type PasswordFlags } from '../password-input.js';
import { parsedBy } from '../arguments.js';
import { withServices } from '../services.js';

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
  ).action(
    action(async (options: AdminCreateOptions) => {
      const config = configFromEnvironment();
      const source = passwordSource(options);
      await withServices(config, async ({ deps }) => {
        // Refuse before asking for a password that could not be used.
        if (await findUserByEmail(deps, options.email)) throw userErrors.email_taken();
        const password = await readPassword(source, options.email);
        const { user, generatedPassword } = await createUser(deps, cliContext(), {
          email: options.email,
          name: options.name,
          role: 'admin',
          password,
          temporary: true,
        });
        out(`Created admin ${user.email} (id ${user.id}).`);
        if (generatedPassword) printGeneratedPassword(generatedPassword, deps.config.temporaryPasswordMs);
        else out('The password is temporary: they must choose their own at first sign-in.');
      });
    }),
  );
}
