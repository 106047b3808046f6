import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  ArchiveError,
  archiveAuditEvents,
  planArchive,
  verifyArchiveFile,
  verifyAuditChain,
} from '../../modules/audit/index.js';
import { configFromEnvironment } from '../environment.js';
import { action, CliError, ExitCode, out, printable, usageError } from '../output.js';
import { withServices } from '../services.js';

/** A date (2026-01-01, midnight UTC) or a date and time with its offset (2026-01-01T12:00:00+02:00). */
function parseBefore(value: string): number {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)
    ? Date.parse(text)
    : NaN;
  if (Number.isNaN(at)) {
    throw usageError(
      'invalid_before',
      `--before takes a date such as 2026-01-01 or 2026-01-01T00:00:00Z, not ${printable(value)}`,
    );
  }
  return at;
}

/** `gatehouse audit verify | archive`: the tamper-evident audit log (SEC-AUD-02) and its retention. */
export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('Check the tamper-evident audit log, archive old events');

  audit
    .command('verify')
    .description(
      'Walk the audit log in order and check every link of its hash chain. Prints "ok: N events, chain intact" ' +
        'and exits 0, or names the first event whose content or link does not match ("broken at event #ID: reason") ' +
        'and exits 1. Events removed from the end of the log leave no broken link; compare the count with a ' +
        'previous run or an export to notice that. Once events were archived, the chain is checked from the ' +
        'latest archive checkpoint on (the checkpoints themselves are checked too). With --archive <file>, checks ' +
        'an archive file instead: every event in it, its checkpoint, and that the database recorded that checkpoint.',
    )
    .option('--archive <file>', 'an archive written by `gatehouse audit archive`')
    .action(
      action(async (options: { archive?: string }) => {
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          if (options.archive) {
            const file = resolve(options.archive);
            if (!existsSync(file))
              throw new CliError('file_not_found', `There is no file ${printable(file)}.`);
            const verdict = await verifyArchiveFile(deps, file);
            if (!verdict.ok) {
              out(`broken archive: ${verdict.reason}`);
              process.exitCode = ExitCode.refused;
              return;
            }
            out(
              `ok: archive of ${verdict.count} event${verdict.count === 1 ? '' : 's'} (#${verdict.fromId + 1} to #${verdict.throughId}), ` +
                `chain intact, checkpoint ${verdict.hash.slice(0, 16)}… ` +
                (verdict.recorded ? 'recorded in the database' : 'NOT recorded in the database'),
            );
            if (!verdict.recorded) process.exitCode = ExitCode.refused;
            return;
          }
          const verdict = await verifyAuditChain(deps);
          if (verdict.ok) {
            const from = verdict.archived
              ? ` (continuing from the archive checkpoint after event #${verdict.archived.throughId}; ` +
                `${verdict.archived.events} earlier event${verdict.archived.events === 1 ? '' : 's'} archived)`
              : '';
            out(`ok: ${verdict.count} event${verdict.count === 1 ? '' : 's'}, chain intact${from}`);
            return;
          }
          out(`broken at event #${verdict.brokenAt}: ${verdict.reason}`);
          process.exitCode = ExitCode.refused;
        });
      }),
    );

  audit
    .command('archive')
    .description(
      'Retention: write the events older than --before to a file (JSON lines: the events as stored, then a ' +
        'hash-chained checkpoint), record the checkpoint in the database and remove those events from it. ' +
        'The file verifies on its own (`audit verify --archive <file>`); `audit verify` continues from the ' +
        'checkpoint. Keep the file: it is the only copy of those events. Prints what it archived.',
    )
    .requiredOption('--before <date>', 'archive events stamped before this date (UTC midnight) or time')
    .option('--out <file>', 'the archive to write (never overwritten)', undefined)
    .action(
      action(async (options: { before: string; out?: string }) => {
        const before = parseBefore(options.before);
        const config = configFromEnvironment();
        await withServices(config, async ({ deps }) => {
          const plan = await planArchive(deps, before);
          if (!plan) {
            out(`nothing to archive: no event before ${new Date(before).toISOString()} is left in the log`);
            return;
          }
          const file = resolve(options.out ?? `gatehouse-audit-${plan.fromId + 1}-${plan.throughId}.jsonl`);
          if (existsSync(file))
            throw new CliError('file_exists', `${printable(file)} exists; choose another --out.`);
          try {
            const checkpoint = await archiveAuditEvents(deps, plan, file);
            out(
              `archived ${checkpoint.eventCount} event${checkpoint.eventCount === 1 ? '' : 's'} ` +
                `(#${plan.fromId + 1} to #${plan.throughId}) to ${file}; checkpoint ${checkpoint.hash.slice(0, 16)}…`,
            );
          } catch (error) {
            if (error instanceof ArchiveError) throw new CliError(error.code, error.message);
            throw error;
          }
        });
      }),
    );
}
