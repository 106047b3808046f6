import { InvalidArgumentError, Option, type Command } from 'commander';
import { EmailInput, NameInput } from '../../http/schemas.js';
import { adminResetPassword } from '../../modules/recovery/index.js';
import {
  deleteUser,
  listUsers,
  setUserStatus,
  updateUser,
  type ListUsersInput,
  type Role,
  type User,
} from '../../modules/users/index.js';
import { cliContext } from '../../shared/context.js';
import { configFromEnvironment } from '../environment.js';
import {
  action,
  err,
  formatTable,
  out,
  printable,
  printGeneratedPassword,
  shortTime,
  usageError,
} from '../output.js';
import { addPasswordOptions, passwordSource, readPassword, type PasswordFlags } from '../password-input.js';
import { parseLimit, parsedBy, userByEmail } from '../arguments.js';
import { createUserFromShell } from '../create-user.js';
import { withServices, type CliServices } from '../services.js';
import { registerResetAccessCommand } from './reset-access.js';

/** The service's page size cap (the HTTP API's too); larger --limit values page with the keyset cursor. */
const PAGE = 100;

const ROLES = ['admin', 'member', 'viewer'] as const;

interface CreateOptions extends PasswordFlags {
  email: string;
  name: string;
  role: Role;
}

interface ListOptions {
  q?: string;
  role?: ListUsersInput['role'];
  status?: ListUsersInput['status'];
  sort: ListUsersInput['sort'];
  order: ListUsersInput['order'];
  limit: number;
  json?: boolean;
}

/** Follows nextCursor page by page until `limit` users or the end of the list. */
async function collectUsers(
  { deps }: CliServices,
  options: ListOptions,
): Promise<{ items: User[]; total: number }> {
  const items: User[] = [];
  let cursor: string | undefined;
  let total = 0;
  for (;;) {
    const page = await listUsers(deps, {
      q: options.q,
      role: options.role,
      status: options.status,
      sort: options.sort,
      order: options.order,
      limit: Math.min(PAGE, options.limit - items.length),
      cursor,
    });
    items.push(...page.items);
    total = page.total;
    if (!page.nextCursor || items.length >= options.limit) return { items, total };
    cursor = page.nextCursor;
  }
}

function printTable(items: User[], total: number): void {
  if (items.length === 0) {
    out('No users match.');
    return;
  }
  const rows = items.map((u) => [
    printable(u.email),
    printable(u.name),
    u.role,
    u.passwordChangeRequired ? `${u.status} (temporary password)` : u.status,
    shortTime(u.lastSignInAt),
  ]);
  out(formatTable(['EMAIL', 'NAME', 'ROLE', 'STATUS', 'LAST SIGN-IN'], rows));
  out();
  out(
    items.length < total
      ? `${items.length} of ${total} users shown; use --limit <n> or --limit all for more.`
      : `${total} user${total === 1 ? '' : 's'}.`,
  );
}

export function registerUserCommands(program: Command): void {
  const users = program
    .command('users')
    .description('List, create and change users, and reset passwords, from the shell');
  registerResetAccessCommand(users);

  users
    .command('list')
    .description('List users as a table, or as JSON with --json')
    .option('--q <text>', 'only users whose email or name contains this text (case-insensitive)')
    .addOption(
      new Option('--role <role>', 'only users with this role').choices(['admin', 'member', 'viewer']),
    )
    .addOption(
      new Option('--status <status>', 'only users with this status').choices(['active', 'deactivated']),
    )
    .addOption(
      new Option('--sort <key>', 'sort by')
        .choices(['name', 'email', 'createdAt', 'lastSignInAt'])
        .default('name'),
    )
    .addOption(new Option('--order <order>', 'sort direction').choices(['asc', 'desc']).default('asc'))
    .option('--limit <n|all>', 'how many users to show (pages through the list beyond 100)', parseLimit, 50)
    .option('--json', 'print {"items": [...], "total": n} as JSON')
    .action(
      action(async (options: ListOptions) => {
        const config = configFromEnvironment();
        await withServices(config, async (services) => {
          const { items, total } = await collectUsers(services, options);
          if (options.json) out(JSON.stringify({ items, total }, null, 2));
          else printTable(items, total);
        });
      }),
    );

  addPasswordOptions(
    users
      .command('reset-password')
      .summary("Set a temporary password and end the user's sessions (break-glass)")
      .description(
        "Break-glass password reset: sets a temporary password, ends all the user's sessions and writes an " +
          'audit event (actor "cli"), exactly as an admin\'s Reset password does. ' +
          'The user must choose their own password at next sign-in. ' +
          'On a terminal the password is asked for twice without echo; otherwise pass --password-stdin or --generate.',
      )
      .argument('<email>', 'the email of the user whose password to reset'),
  ).action(
    action(async (email: string, options: PasswordFlags) => {
      const config = configFromEnvironment();
      const source = passwordSource(options);
      await withServices(config, async ({ deps }) => {
        const user = await userByEmail(deps, email);
        const password = await readPassword(source, user.email);
        const { generatedPassword } = await adminResetPassword(deps, cliContext(), user.id, password);
        out(`Password reset for ${printable(user.email)}; all their sessions have ended.`);
        if (generatedPassword)
          printGeneratedPassword(generatedPassword, deps.settings.current().temporaryPasswordMs);
        else out('The password is temporary: they must choose their own at next sign-in.');
        if (user.status === 'deactivated')
          err(`note: ${printable(user.email)} is deactivated and cannot sign in until activated.`);
      });
    }),
  );

  addPasswordOptions(
    users
      .command('create')
      .summary('Create a user with a temporary password')
      .description(
        'Create a user, exactly as an admin\'s Add user does: audited as actor "cli", the password checked ' +
          'by the policy and always temporary (the user must choose their own at first sign-in). ' +
          'On a terminal it is asked for twice without echo; otherwise pass --password-stdin or --generate ' +
          '(printed once, to hand over).',
      )
      .requiredOption('--email <email>', "the new user's email address", parsedBy(EmailInput))
      .requiredOption('--name <name>', "the new user's name", parsedBy(NameInput))
      .addOption(new Option('--role <role>', "the new user's role").choices(ROLES).default('member')),
  ).action(action((options: CreateOptions) => createUserFromShell(options, options.role)));

  users
    .command('deactivate')
    .description(
      'Deactivate a user: they can no longer sign in, their sessions and API tokens end at once and they ' +
        'are emailed a notice; audited as actor "cli". The last active admin cannot be deactivated.',
    )
    .argument('<email>', 'the email of the user to deactivate')
    .action(
      action(async (email: string) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const user = await userByEmail(deps, email);
          if (user.status === 'deactivated') {
            out(`${printable(user.email)} is already deactivated; nothing changed.`);
            return;
          }
          await setUserStatus(deps, cliContext(), user.id, 'deactivated');
          out(`Deactivated ${printable(user.email)}; their sessions and API tokens have ended.`);
        });
      }),
    );

  users
    .command('activate')
    .description(
      'Activate a deactivated user: they can sign in again with their password; audited as actor "cli".',
    )
    .argument('<email>', 'the email of the user to activate')
    .action(
      action(async (email: string) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const user = await userByEmail(deps, email);
          if (user.status === 'active') {
            out(`${printable(user.email)} is already active; nothing changed.`);
            return;
          }
          await setUserStatus(deps, cliContext(), user.id, 'active');
          out(`Activated ${printable(user.email)}; they can sign in again.`);
        });
      }),
    );

  users
    .command('set-role')
    .description(
      "Change a user's role (admin, member or viewer); it applies at their next request, they are emailed " +
        'a notice and it is audited as actor "cli". The last active admin cannot be demoted.',
    )
    .argument('<email>', 'the email of the user')
    .argument('<role>', 'admin, member or viewer', (value: string) => {
      if (!(ROLES as readonly string[]).includes(value))
        throw new InvalidArgumentError(`the role must be one of ${ROLES.join(', ')}`);
      return value as Role;
    })
    .action(
      action(async (email: string, role: Role) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const user = await userByEmail(deps, email);
          if (user.role === role) {
            out(`${printable(user.email)} is already ${role}; nothing changed.`);
            return;
          }
          await updateUser(deps, cliContext(), user.id, { role });
          out(`${printable(user.email)} is now ${role} (was ${user.role}).`);
        });
      }),
    );

  users
    .command('delete')
    .description(
      'Delete a user for good: their personal data is erased (account, sessions, API tokens, links, ' +
        'mail to them, invitations to them); audit events stay and point at a tombstone. Audited as actor ' +
        '"cli". The last active admin cannot be deleted. Needs --yes.',
    )
    .argument('<email>', 'the email of the user to delete')
    .option('--yes', 'confirm: delete this user and erase their personal data')
    .action(
      action(async (email: string, options: { yes?: boolean }) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const user = await userByEmail(deps, email);
          if (!options.yes) {
            throw usageError(
              'confirmation_required',
              `This deletes ${printable(user.email)} for good. Run again with --yes to confirm.`,
            );
          }
          await deleteUser(deps, cliContext(), user.id);
          out(
            `Deleted ${printable(user.email)}; the audit log keeps its events under deleted-user:${user.id}.`,
          );
        });
      }),
    );
}
