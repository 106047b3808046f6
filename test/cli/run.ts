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
