import { isAppError } from '../shared/errors.js';

/**
 * Exit codes of every `gatehouse` command (README: CLI). 69, 70, 77 and 78 are sysexits'
 * EX_UNAVAILABLE, EX_SOFTWARE, EX_NOPERM and EX_CONFIG; 130 is the shell's code for a command
 * interrupted by Ctrl-C.
 */
export const ExitCode = {
  ok: 0,
  /** The operation was refused: unknown user, password policy, email taken, passwords that do not match. */
  refused: 1,
  /** Bad arguments or options, or no way to read the password. */
  usage: 2,
  /** `serve`: the port is already in use. */
  unavailable: 69,
  /** Something failed that the user cannot fix by changing the command (e.g. the database is unreachable). */
  internal: 70,
  /** `serve`: not allowed to listen on the port (below 1024 without the privilege). */
  noPermission: 77,
  /** A bad configuration value, named in the message (see environment.ts). */
  config: 78,
  interrupted: 130,
} as const;

/** An error the CLI raises itself: printed as `error: code: message`, exiting with its code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = ExitCode.refused,
  ) {
    super(message);
  }
}

export function usageError(code: string, message: string): CliError {
  return new CliError(code, message, ExitCode.usage);
}

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Prints an error on stderr and returns the exit code it deserves. Never prints a stack or a secret. */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    err(`error: ${error.code}: ${error.message}`);
    return error.exitCode;
  }
  // The services' own codes (password_too_short, email_taken, user_not_found, ...) are refusals.
  if (isAppError(error)) {
    err(`error: ${error.code}: ${error.message}`);
    return error.status >= 500 ? ExitCode.internal : ExitCode.refused;
  }
  const message = error instanceof Error ? error.message : String(error);
  err(`error: unexpected_failure: ${message}`);
  return ExitCode.internal;
}

/**
 * Wraps a command action: errors become a message on stderr and an exit code, set on
 * process.exitCode rather than exiting at once, so the action's `finally` blocks (closing the
 * database) run and the process ends by itself.
 */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Stored text shown on a terminal: control characters (escape sequences) are replaced, never interpreted. */
export function printable(value: string): string {
  return value.replace(CONTROL, '?');
}

/** A plain text table: a header row, then left-aligned columns separated by two spaces. */
export function formatTable(header: string[], rows: string[][]): string {
  const width = (s: string) => [...s].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `2026-01-05 09:00 UTC` from an ISO timestamp. */
export function shortTime(iso: string | null, none = 'never'): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : none;
}

/**
 * The one place a generated password is shown: on stdout, once, labelled as temporary.
 * Nothing else in the CLI prints or logs a password.
 */
export function printGeneratedPassword(password: string, temporaryPasswordMs: number): void {
  const hours = Math.round(temporaryPasswordMs / 3_600_000);
  out();
  out(
    `Temporary password (shown only this once; the user must change it at first sign-in, within ${hours} h):`,
  );
  out();
  out(`  ${password}`);
  out();
}
