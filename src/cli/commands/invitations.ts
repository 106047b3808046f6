import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import {
  createInvitations,
  listInvitations,
  parseInvitationRow,
  revokeInvitation,
  type BulkRow,
  type Invitation,
  type InvitationStatus,
  type Inviter,
} from '../../modules/invitations/index.js';
import { invitationErrors } from '../../modules/invitations/index.js';
import { cliContext, cliContextAs, type ActorContext } from '../../shared/context.js';
import { EmailInput } from '../../http/schemas.js';
import { findUserByEmail } from '../../modules/users/index.js';
import { parseLimit } from '../arguments.js';
import { configFromEnvironment } from '../environment.js';
import { action, CliError, ExitCode, formatTable, out, printable, shortTime, usageError } from '../output.js';
import { withServices, type CliServices } from '../services.js';

/** One CSV record: the line it starts on (1-based), its fields, or why it could not be read. */
export interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

/**
 * A small RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas, newlines
 * and doubled quotes (""), CRLF or LF line ends. A record that breaks the quoting is reported with
 * its line and reading goes on at the next line, so one bad row never hides the others.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  while (i < source.length) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    for (;;) {
      let field = '';
      if (source[i] === '"') {
        const opened = { at: i, line };
        i += 1;
        let closed = false;
        while (i < source.length) {
          const c = source[i] as string;
          if (c === '"') {
            if (source[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i += 1;
            closed = true;
            break;
          }
          if (c === '\n') line += 1;
          field += c;
          i += 1;
        }
        const next = source[i];
        const endsWell =
          closed &&
          (next === undefined || next === ',' || next === '\n' || (next === '\r' && source[i + 1] === '\n'));
        if (!endsWell) {
          if (!closed || line > opened.line) {
            // A stray quote must not swallow the rows after it: report its line and resume after that line.
            error = 'a quote is not closed on its line (quotes inside a field must be doubled: "")';
            i = opened.at + 1;
            line = opened.line;
          } else {
            error = 'text after a closing quote (quotes inside a field must be doubled: "")';
          }
          break;
        }
      } else {
        while (i < source.length && source[i] !== ',' && source[i] !== '\n') {
          if (!(source[i] === '\r' && source[i + 1] === '\n')) field += source[i];
          i += 1;
        }
      }
      fields.push(field);
      if (source[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    if (error) {
      // Skip the rest of this physical line and go on with the next record.
      while (i < source.length && source[i] !== '\n') i += 1;
    }
    if (source[i] === '\r') i += 1;
    if (source[i] === '\n') {
      i += 1;
      line += 1;
    }
    const blank = !error && fields.length === 1 && fields[0]?.trim() === '';
    if (!blank) records.push({ line: start, fields, ...(error ? { error } : {}) });
  }
  return records;
}

const COLUMNS = ['email', 'role', 'name'] as const;
type Column = (typeof COLUMNS)[number];

/** With a header row (one of its cells is "email"), columns go by name; without one, they are email, role, name. */
function columnsOf(records: CsvRecord[]): { order: Column[]; rows: CsvRecord[] } {
  const first = records[0];
  const header = first && !first.error ? first.fields.map((f) => f.trim().toLowerCase()) : [];
  if (!header.includes('email')) return { order: [...COLUMNS], rows: records };
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0 || !header.includes('role') || new Set(header).size !== header.length)
    throw usageError(
      'bad_header',
      `line ${first?.line}: the header must name the columns email, role and optionally name (got ${printable(header.join(','))}).`,
    );
  return { order: header as Column[], rows: records.slice(1) };
}

/** A CSV record → an invitation row, checked with the API's own rules; anything wrong is that row's error. */
function toBulkRow(record: CsvRecord, order: Column[]): BulkRow {
  if (record.error) return { ok: false, email: null, code: 'malformed_row', message: record.error };
  if (record.fields.length > order.length || record.fields.length < 2)
    return {
      ok: false,
      email: null,
      code: 'malformed_row',
      message: `expected ${order.length === 3 ? '2 or 3' : order.length} columns (${order.join(', ')}), got ${record.fields.length}`,
    };
  const raw: Record<string, string> = {};
  order.forEach((column, index) => {
    const value = record.fields[index];
    // Email and role may carry stray spaces; an empty name is no name.
    if (value !== undefined && !(column === 'name' && value.trim() === ''))
      raw[column] = column === 'role' ? value.trim().toLowerCase() : value;
  });
  return parseInvitationRow(raw);
}

/** A progress bar on stderr, only when stderr is a terminal (never in logs or pipes). */
function progressBar(): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  let shown = false;
  return {
    update(done, total) {
      if (!tty) return;
      const percent = Math.floor((done / total) * 100);
      if (percent === last && done !== total) return;
      last = percent;
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} (${percent}%)`,
      );
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}

/**
 * Who invites: with --as, that admin (named in the mail, audited as them through the CLI); refused
 * unless the address belongs to an active admin. Without it, the organization, audited as "cli".
 */
async function operator(
  deps: CliServices['deps'],
  as: string | undefined,
): Promise<{ inviter: Inviter; actor: ActorContext }> {
  if (as === undefined) {
    const inviter = {
      id: null,
      name: deps.settings.current().organizationName.trim() || 'Gatehouse admin',
      role: 'admin' as const,
    };
    return { inviter, actor: cliContext() };
  }
  const email = EmailInput.safeParse(as);
  const user = email.success ? await findUserByEmail(deps, email.data) : null;
  if (!user) throw new CliError('as_user_not_found', `--as ${printable(as)}: no user has this email.`);
  if (user.role !== 'admin' || user.status !== 'active')
    throw new CliError(
      'as_not_admin',
      `--as ${printable(user.email)}: only an active admin can invite from the CLI (this user is ${user.status === 'active' ? `a ${user.role}` : 'deactivated'}).`,
    );
  return { inviter: { id: user.id, name: user.name, role: 'admin' }, actor: cliContextAs(user) };
}

const STATUSES = ['pending', 'accepted', 'expired', 'revoked'] as const;

/** The service's page size cap; larger --limit values page with the keyset cursor. */
const PAGE = 100;

interface ListOptions {
  status?: InvitationStatus | 'expired';
  q?: string;
  limit: number;
  json?: boolean;
}

async function collectInvitations(
  deps: CliServices['deps'],
  options: Pick<ListOptions, 'status' | 'q' | 'limit'>,
): Promise<{ items: Invitation[]; total: number }> {
  const items: Invitation[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listInvitations(deps, {
      status: options.status,
      q: options.q,
      limit: Math.min(PAGE, options.limit - items.length),
      cursor,
    });
    items.push(...page.items);
    if (!page.nextCursor || items.length >= options.limit) return { items, total: page.total };
    cursor = page.nextCursor;
  }
}

function printInvitations(items: Invitation[], total: number): void {
  if (items.length === 0) {
    out('No invitations match.');
    return;
  }
  const rows = items.map((i) => [
    printable(i.email),
    printable(i.name ?? ''),
    i.role,
    i.status,
    printable(i.inviter.name),
    shortTime(i.createdAt),
    i.status === 'pending' ? shortTime(i.expiresAt) : '',
  ]);
  out(formatTable(['EMAIL', 'NAME', 'ROLE', 'STATUS', 'INVITED BY', 'INVITED', 'EXPIRES'], rows));
  out();
  out(
    items.length < total
      ? `${items.length} of ${total} invitations shown; use --limit <n> or --limit all for more.`
      : `${total} invitation${total === 1 ? '' : 's'}.`,
  );
}

/** `<email|id>` → the invitation to revoke: an address names its pending invitation. */
async function invitationToRevoke(
  deps: CliServices['deps'],
  target: string,
): Promise<{ id: string; label: string }> {
  if (!target.includes('@')) return { id: target, label: `invitation ${printable(target)}` };
  const email = EmailInput.safeParse(target);
  if (email.success) {
    const { items } = await collectInvitations(deps, { status: 'pending', q: email.data, limit: Infinity });
    const found = items.find((i) => i.email === email.data);
    if (found) return { id: found.id, label: `the invitation of ${printable(found.email)}` };
  }
  throw invitationErrors.invitation_not_found(`No pending invitation for ${printable(target)}.`);
}

export function registerInvitationCommands(program: Command): void {
  const invitations = program
    .command('invitations')
    .description('Invite people, list and revoke invitations, from the shell');

  invitations
    .command('list')
    .description('List invitations, newest first, as a table, or as JSON with --json')
    .addOption(new Option('--status <status>', 'only invitations with this status').choices(STATUSES))
    .option('--q <text>', 'only invitations whose email contains this text (case-insensitive)')
    .option(
      '--limit <n|all>',
      'how many invitations to show (pages through the list beyond 100)',
      parseLimit,
      50,
    )
    .option('--json', 'print {"items": [...], "total": n} as JSON')
    .action(
      action(async (options: ListOptions) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const { items, total } = await collectInvitations(deps, options);
          if (options.json) out(JSON.stringify({ items, total }, null, 2));
          else printInvitations(items, total);
        });
      }),
    );

  invitations
    .command('revoke')
    .description(
      'Revoke a pending invitation, by the invited email or the invitation id: its link stops working at ' +
        'once; audited as actor "cli".',
    )
    .argument('<email|id>', 'the invited email address, or the invitation id')
    .action(
      action(async (target: string) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const invitation = await invitationToRevoke(deps, target);
          await revokeInvitation(deps, cliContext(), invitation.id);
          out(`Revoked ${invitation.label}; its link no longer works.`);
        });
      }),
    );

  invitations
    .command('import')
    .summary('Invite everyone listed in a CSV file (email, role, optional name)')
    .description(
      'Invites every row of a CSV file: columns email, role (admin, member or viewer) and an optional name, ' +
        'with or without a header row; quoted fields may contain commas. Each row is invited on its own ' +
        '(audited as actor "cli", or as the admin of --as; the mail queued in the outbox with the server\'s ' +
        'public URL): a bad row is reported with its line number ' +
        'and the others go on. Prints one result per row; exits 0 when every row was invited, 1 otherwise.',
    )
    .argument('<file.csv>', 'the CSV file to read')
    .option(
      '--as <admin-email>',
      'invite as this active admin: the mail names them and the audit log records them (through the CLI); ' +
        'without it the mail names the organization and the actor is "cli"',
    )
    .action(
      action(async (file: string, options: { as?: string }) => {
        const config = configFromEnvironment();
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          const reason =
            (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read';
          throw usageError('file_unreadable', `${printable(file)}: ${reason}.`);
        }
        const { order, rows: records } = columnsOf(parseCsv(text));
        if (records.length === 0) throw new CliError('no_rows', `${printable(file)} has no rows to import.`);
        const rows = records.map((record) => toBulkRow(record, order));

        await withServices(config, async ({ deps }) => {
          const { inviter, actor } = await operator(deps, options.as);
          const bar = progressBar();
          let results;
          try {
            results = await createInvitations(deps, actor, inviter, rows, bar.update);
          } finally {
            bar.end();
          }
          let failed = 0;
          for (const result of results) {
            const line = `line ${records[result.index]?.line ?? '?'}`;
            if (result.status === 'created' && result.invitation) {
              out(`${line}: invited ${printable(result.invitation.email)} as ${result.invitation.role}`);
            } else {
              failed += 1;
              const who = result.email ? ` ${printable(result.email)}` : '';
              out(`${line}: error${who}: ${result.code ?? 'error'}: ${printable(result.message ?? '')}`);
            }
          }
          out();
          out(`${results.length - failed} invited, ${failed} failed, of ${results.length} rows.`);
          if (failed > 0) process.exitCode = ExitCode.refused;
        });
      }),
    );
}
