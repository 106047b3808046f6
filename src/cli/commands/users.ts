import { InvalidArgumentError, Option, type Command } from 'commander';
import { EmailInput } from '../../http/schemas.js';
import {
  adminResetPassword,
  findUserByEmail,
  listUsers,
  userErrors,
  type ListUsersInput,
  type User,
} from '../../modules/users/index.js';
import { cliContext } from '../../shared/context.js';
import { configFromEnvironment } from '../environment.js';
import { action, err, formatTable, out, printable, printGeneratedPassword, shortTime } from '../output.js';
import { addPasswordOptions, passwordSource, readPassword, type PasswordFlags } from '../password-input.js';
import { withServices, type CliServices } from '../services.js';

/** The service's page size cap (the HTTP API's too); larger --limit values page with the keyset cursor. */
const PAGE = 100;

function parseLimit(value: string): number {
  if (value === 'all') return Infinity;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('a whole number of at least 1, or "all"');
  return Number(value);
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
  const users = program.command('users').description('List users and reset passwords from the shell');

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
      const normalized = EmailInput.safeParse(email);
      await withServices(config, async ({ deps }) => {
        const user = normalized.success ? await findUserByEmail(deps, normalized.data) : null;
        if (!user) throw userErrors.user_not_found(`No user has the email ${printable(email)}.`);
        const password = await readPassword(source, user.email);
        const { generatedPassword } = await adminResetPassword(deps, cliContext(), user.id, password);
        out(`Password reset for ${printable(user.email)}; all their sessions have ended.`);
        if (generatedPassword) printGeneratedPassword(generatedPassword, deps.config.temporaryPasswordMs);
        else out('The password is temporary: they must choose their own at next sign-in.');
        if (user.status === 'deactivated')
          err(`note: ${printable(user.email)} is deactivated and cannot sign in until activated.`);
      });
    }),
  );
}
