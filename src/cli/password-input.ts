import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import type { PasswordChoice } from '../modules/passwords/index.js';
import { CliError, ExitCode, usageError } from './output.js';

export interface PasswordFlags {
  passwordStdin?: boolean;
  generate?: boolean;
}

export type PasswordSource = 'prompt' | 'stdin' | 'generate';

/** The two ways to give a password without a terminal; with neither, a terminal prompts for it. */
export function addPasswordOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--password-stdin',
        'read the password from standard input (one trailing newline is removed)',
      ).conflicts('generate'),
    )
    .addOption(new Option('--generate', 'generate a strong password and print it once'));
}

/**
 * Decides where the password will come from before any work starts. Without a terminal and
 * without a flag there is nobody to ask: that is a usage error, not a hang on stdin.
 */
export function passwordSource(flags: PasswordFlags): PasswordSource {
  if (flags.generate) return 'generate';
  if (flags.passwordStdin) return 'stdin';
  if (process.stdin.isTTY) return 'prompt';
  throw usageError(
    'password_input_required',
    'no terminal to prompt for the password: pipe it in with --password-stdin, or pass --generate',
  );
}

/** Reads the password (or asks for a generated one). Every password set from the CLI is temporary. */
export async function readPassword(source: PasswordSource, forEmail: string): Promise<PasswordChoice> {
  if (source === 'generate') return { generate: true };
  if (source === 'stdin') return { password: await readStdin() };
  return { password: await promptNewPassword(forEmail) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw usageError('password_not_utf8', 'the password on standard input is not valid UTF-8');
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') {
    throw usageError(
      'password_input_empty',
      'standard input was empty: pipe the password in, e.g. printf %s "$PASSWORD" | gatehouse ...',
    );
  }
  return password;
}

/**
 * Asks twice on the terminal without echo. readline runs in terminal mode (raw input, its own
 * line editing) and writes through a stream that we mute once the prompt is out, so neither the
 * typed characters nor readline's redraws of the line ever reach the screen.
 */
async function promptNewPassword(forEmail: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true, historySize: 0 });
  let cancel: (error: CliError) => void = () => undefined;
  const cancelled = () => {
    process.stderr.write('\n');
    cancel(new CliError('cancelled', 'cancelled; nothing was changed', ExitCode.interrupted));
  };
  rl.on('SIGINT', cancelled);
  rl.on('close', cancelled);

  const ask = (question: string) =>
    new Promise<string>((resolve, reject) => {
      cancel = reject;
      muted = false;
      rl.question(question, (answer) => {
        process.stderr.write('\n');
        resolve(answer);
      });
      muted = true;
    });

  try {
    const first = await ask(`New password for ${forEmail}: `);
    const second = await ask('Type it again: ');
    if (first !== second)
      throw new CliError('passwords_do_not_match', 'the two passwords do not match; nothing was changed');
    return first;
  } finally {
    muted = false;
    rl.off('close', cancelled);
    rl.close();
  }
}
