import { InvalidArgumentError, Option, type Command } from 'commander';
import { resetAccess } from '../../modules/mfa/index.js';
import { cliContext } from '../../shared/context.js';
import { userByEmail } from '../arguments.js';
import { configFromEnvironment } from '../environment.js';
import { action, out, printable } from '../output.js';
import { withServices } from '../services.js';

interface ResetAccessOptions {
  scope: 'factors' | 'all';
  reason: string;
  send?: boolean;
}

const reasonText = (value: string): string => {
  const reason = value.trim();
  if (reason.length === 0 || reason.length > 500)
    throw new InvalidArgumentError('give a reason of 1 to 500 characters');
  return reason;
};

/**
 * `gatehouse users reset-access` (SEC-MFA-08): the break-glass way back in for anyone, admins
 * included, who lost their factors; exactly what an admin's Reset access does, audited as "cli".
 */
export function registerResetAccessCommand(users: Command): void {
  users
    .command('reset-access')
    .summary(
      "Remove a user's two-step verification (and with --scope all their password); prints a 24 h link",
    )
    .description(
      "Break-glass Reset access: in one transaction removes the user's factors and recovery codes (with " +
        '--scope all also the password), ends their sessions and API tokens, mails them a notice and writes an ' +
        'audit event with the reason (actor "cli"). Prints a single-use enrollment link valid 24 hours on any ' +
        'device, or mails it with --send.',
    )
    .argument('<email>', 'the email of the user whose access to reset')
    .addOption(
      new Option('--scope <scope>', 'what to remove').choices(['factors', 'all']).makeOptionMandatory(),
    )
    .requiredOption('--reason <text>', 'why (kept in the audit log and told to the user)', reasonText)
    .option('--send', 'mail the link to the user instead of printing it')
    .action(
      action(async (email: string, options: ResetAccessOptions) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const user = await userByEmail(deps, email);
          const send = options.send === true;
          const result = await resetAccess(deps, cliContext(), user.id, {
            scope: options.scope,
            reason: options.reason,
            send,
          });
          out(
            `Access reset for ${printable(user.email)} (${options.scope === 'all' ? 'password and factors' : 'factors'}); ` +
              'their sessions and API tokens have ended.',
          );
          if (result.link) {
            out(`Enrollment link (works once, on any device, until ${result.expiresAt}):`);
            out(result.link);
          } else out(`The enrollment link was mailed to them; it works until ${result.expiresAt}.`);
        });
      }),
    );
}
