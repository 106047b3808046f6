import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import type { Command } from 'commander';
import { configFromEnvironment } from '../environment.js';
import { action, CliError, ExitCode, out, printable, usageError } from '../output.js';

/** Pages per backup step after the first: all of them, so the copy is taken in one read transaction. */
const ALL_PAGES = 0x7fffffff;

/**
 * `gatehouse backup <file>`: an online backup of the SQLite database, safe while the server runs.
 * SQLite's backup API copies the pages inside one read transaction (in WAL mode readers never block
 * the writer), so the copy is one consistent snapshot: every transaction in it is whole. The copy is
 * written next to the target, checked (integrity_check), turned into a single self-contained file
 * (journal_mode DELETE) and only then renamed into place, so an interrupted backup never leaves a
 * half-written file under the requested name. PostgreSQL is backed up with pg_dump.
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description(
      'Copy the SQLite database (DATABASE_URL) to <file>, consistently, while the server keeps running. ' +
        'For PostgreSQL use pg_dump (this command exits 2 and says so).',
    )
    .argument('<file>', 'the backup to write: a new SQLite file')
    .option('--force', 'replace <file> if it exists')
    .action(
      action(async (file: string, options: { force?: boolean }) => {
        const config = configFromEnvironment();
        if (config.database.kind === 'postgres') {
          throw usageError(
            'use_pg_dump',
            'DATABASE_URL is a PostgreSQL database: back it up with pg_dump, e.g. ' +
              'pg_dump --format=custom --file=gatehouse.dump "$DATABASE_URL" (restore with pg_restore). ' +
              'This command copies SQLite databases only.',
          );
        }
        const source = config.database.path;
        if (source === ':memory:') {
          throw usageError(
            'nothing_to_back_up',
            'DATABASE_URL is an in-memory SQLite database: nothing on disk to copy.',
          );
        }
        if (!existsSync(source)) {
          throw new CliError(
            'database_not_found',
            `There is no database at ${printable(source)} (DATABASE_URL).`,
          );
        }
        const target = resolve(file);
        if (target === resolve(source)) {
          throw usageError('same_file', 'The backup must be a different file from the database itself.');
        }
        if (!existsSync(dirname(target))) {
          throw new CliError(
            'no_such_directory',
            `The directory ${printable(dirname(target))} does not exist.`,
          );
        }
        if (existsSync(target) && !options.force) {
          throw new CliError(
            'file_exists',
            `${printable(file)} already exists: choose a new file, or pass --force.`,
          );
        }

        const started = Date.now();
        const partial = `${target}.partial-${process.pid}`;
        // Read-only: the backup never writes to the live database.
        const live = new DatabaseSync(source, { readOnly: true, timeout: 5000 });
        try {
          await backup(live, partial, { rate: ALL_PAGES });
        } catch (error) {
          rmSync(partial, { force: true });
          throw new CliError(
            'backup_failed',
            `Could not copy the database: ${printable(error instanceof Error ? error.message : String(error))}`,
            ExitCode.internal,
          );
        } finally {
          live.close();
        }

        let users: number;
        const copy = new DatabaseSync(partial);
        try {
          const check = String(copy.prepare('pragma integrity_check').get()?.integrity_check);
          if (check !== 'ok') {
            throw new CliError(
              'backup_corrupt',
              `The copy failed its integrity check: ${printable(check)}`,
              ExitCode.internal,
            );
          }
          // The source is in WAL mode; the backup becomes one self-contained file.
          copy.exec('pragma journal_mode = DELETE');
          users = Number(copy.prepare('select count(*) as n from users').get()?.n);
        } catch (error) {
          copy.close();
          rmSync(partial, { force: true });
          throw error;
        }
        copy.close();
        renameSync(partial, target);

        const kib = Math.ceil(statSync(target).size / 1024);
        out(
          `Backed up ${printable(source)} to ${printable(file)}: ${users} user${users === 1 ? '' : 's'}, ` +
            `${kib} KiB, in ${Date.now() - started} ms. Restore by stopping the server and putting the file at DATABASE_URL.`,
        );
      }),
    );
}
