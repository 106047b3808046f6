import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { availableParallelism, cpus, hostname, loadavg, totalmem } from 'node:os';

export interface Machine {
  /** A short name for the results file: the host name, lower-cased, safe for a path. */
  name: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** The SQLite driver Gatehouse runs on (the peer, better-auth, brings its own). */
  sqliteDriver: string;
  os: string;
  /** The 1-minute load average when the run started (other work on a shared machine). */
  loadAtStart: number;
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text)?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
}

function sqliteVersion(): string {
  const db = new DatabaseSync(':memory:');
  try {
    return String(db.prepare('select sqlite_version() as v').get()?.v);
  } finally {
    db.close();
  }
}

export function describeMachine(): Machine {
  const model = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return {
    name:
      hostname()
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .slice(0, 40) || 'machine',
    cpu: model,
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    sqliteDriver: `node:sqlite (SQLite ${sqliteVersion()})`,
    os: osName(),
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
