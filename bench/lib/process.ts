import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export { freePort } from '../../scripts/embedded-postgres.mjs';

function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * Peak resident memory of a process over a stretch of time: the kernel's own high-water mark
 * (VmHWM), reset at the start of each stretch through /proc/<pid>/clear_refs, and, in case the
 * reset is refused, the highest VmRSS sampled every 50 ms.
 */
export class PeakRss {
  private sampled = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly resetWorks: boolean;

  constructor(private readonly pid: number) {
    let reset = false;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      reset = true;
    } catch {
      reset = false;
    }
    this.resetWorks = reset;
    this.sampled = statusField(pid, 'VmRSS');
    this.timer = setInterval(() => {
      try {
        this.sampled = Math.max(this.sampled, statusField(this.pid, 'VmRSS'));
      } catch {
        /* the process is gone */
      }
    }, 50);
    this.timer.unref();
  }

  /** Bytes. */
  stop(): number {
    clearInterval(this.timer);
    let hwm = 0;
    try {
      this.sampled = Math.max(this.sampled, statusField(this.pid, 'VmRSS'));
      hwm = this.resetWorks ? statusField(this.pid, 'VmHWM') : 0;
    } catch {
      /* the process is gone */
    }
    return Math.max(hwm, this.sampled);
  }
}

export interface Child {
  process: ChildProcess;
  pid: number;
  url: string;
  /** The last lines it printed, for an error message. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a server process and waits until `readyPath` answers 200 (or `timeoutMs` passes). */
export async function startChild(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
  readyPath: string;
  timeoutMs?: number;
}): Promise<Child> {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n'));
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exited) throw new Error(`${options.name} exited before it was ready:\n${lines.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready in time:\n${lines.join('\n')}`);
    }
    try {
      const res = await fetch(url + options.readyPath);
      if (res.status < 500) break;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  return {
    process: child,
    pid: child.pid as number,
    url,
    output: () => lines.join('\n'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The Node flags the server runs with: those of `npm start` (package.json), which docs/DEPLOYMENT.md's
 * systemd unit repeats, so a benchmark that starts the compiled entry with `node` measures the server
 * as it is deployed (ADR 0008: the young generation's bound).
 */
export function serverNodeFlags(checkout = fileURLToPath(new URL('../..', import.meta.url))): string[] {
  const pkg = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^node((?:\s+--\S+)*)\s+dist\/src\/cli\/main\.js serve$/.exec(pkg.scripts.start ?? '');
  if (!match) throw new Error(`unexpected start script in ${checkout}/package.json: ${pkg.scripts.start}`);
  return (match[1] ?? '').split(/\s+/).filter(Boolean);
}

/** Signs in over HTTP and answers the session cookie(s) as a Cookie header. */
export async function signInCookie(
  url: string,
  email: string,
  password: string,
  options: { path?: string; headers?: Record<string, string> } = {},
): Promise<string> {
  const res = await fetch(url + (options.path ?? '/api/v1/auth/sign-in'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${email} answered ${res.status}: ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
