import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, sleep, TSX } from '../scale/process.js';

export interface TeamAppEnv {
  ISSUER: string;
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  PORT: string;
  APP_URL: string;
}

/**
 * examples/team-app as a real process (its own `node --import tsx`), as the README runs it, configured
 * only through its environment. Resolves once it answers on 127.0.0.1 (bounded: 10 s), with the
 * function that stops it; rejects with its output if it exits or never answers.
 */
export async function startTeamApp(env: TeamAppEnv): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'examples/team-app/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 100; i += 1) {
    const up = await fetch(`http://127.0.0.1:${env.PORT}/`).then(
      () => true,
      () => false,
    );
    if (up) return stop;
    if (child.exitCode !== null) throw new Error(`team app exited: ${output}`);
    await sleep(100);
  }
  await stop();
  throw new Error(`team app did not start: ${output}`);
}
