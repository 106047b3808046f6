import { spawn } from 'node:child_process';
import { GATEHOUSE_ARGS } from './entry.js';

/**
 * The `gatehouse` CLI as an operator runs it: a real process (`node --import tsx src/cli/main.ts`)
 * configured only through the environment given here (PATH aside), from `cwd` (a directory with no
 * .env); stdin is closed unless given.
 */

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runGatehouse(
  args: string[],
  options: { cwd: string; env: Record<string, string>; stdin?: string },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...GATEHOUSE_ARGS, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HASH_CONCURRENCY: '2', ...options.env },
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The same command on a real pseudo-terminal (util-linux `script`): what a person at a terminal sees.
 * `answers` are typed one by one, each only once a line matching `prompt` is on screen, as a person
 * would. Killed after 50 s so that a prompt never answered cannot hang the file.
 */
export function runGatehouseOnTerminal(
  args: string[],
  options: { cwd: string; env: Record<string, string>; answers?: string[]; prompt?: RegExp },
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, ...GATEHOUSE_ARGS, ...args].map(shellQuote).join(' ');
  const answers = options.answers ?? [];
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HASH_CONCURRENCY: '2', TERM: 'dumb', ...options.env },
      stdio: [answers.length > 0 ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    let typed = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.stdout?.on('data', (d: Buffer) => {
      screen += d.toString();
      if (!options.prompt) return;
      const seen = (screen.match(new RegExp(options.prompt.source, 'g')) ?? []).length;
      while (typed < seen && typed < answers.length) child.stdin?.write(`${answers[typed++]}\r`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
