import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { benchUser, inTransaction } from './seed.js';

/** The peers' own package (bench/peers/package.json), installed on demand: never in Gatehouse's dependencies. */
export function peersDir(root: string): string {
  return join(root, 'bench', 'peers');
}

function run(
  command: string,
  args: string[],
  cwd: string,
  capture: boolean,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', () => resolve({ code: 1, out }));
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** `npm install --prefix bench/peers` when bench/peers/node_modules is missing (better-sqlite3 may build from source: minutes). */
export async function ensurePeersInstalled(root: string, log: (line: string) => void): Promise<void> {
  const dir = peersDir(root);
  if (
    existsSync(join(dir, 'node_modules', 'better-auth')) &&
    existsSync(join(dir, 'node_modules', 'better-sqlite3'))
  )
    return;
  log('installing the peers (npm install --prefix bench/peers) ...');
  const { code } = await run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund'], root, false);
  if (code !== 0) throw new Error(`npm install --prefix bench/peers failed (exit ${code})`);
}

export const PEER_ADMIN_EMAIL = 'bench-admin@example.com';

/**
 * Makes better-auth's database: its own migrations and its admin (through its sign-up, a real
 * password hash), then the same directory of users as Gatehouse's, inserted in bulk in its schema
 * (roles mapped: member → user); the first `signInUsers` users get a credential account with the
 * admin's password hash, so every one of them signs in with the bench password.
 */
export async function seedPeer(
  root: string,
  file: string,
  users: number,
  signInUsers: number[],
  log: (line: string) => void,
): Promise<void> {
  const { code, out } = await run(
    'node',
    [join(peersDir(root), 'better-auth-server.mjs'), 'init', file],
    root,
    true,
  );
  if (code !== 0) throw new Error(`better-auth init failed (exit ${code})`);
  const made = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    user: Record<string, unknown>;
    account: Record<string, unknown>;
  };
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF');
    const userColumns = Object.keys(made.user);
    const accountColumns = Object.keys(made.account);
    const rowsPerStatement = 500;
    const insertSql = (n: number) =>
      `INSERT INTO "user" (${userColumns.map((c) => `"${c}"`).join(',')}) VALUES ${Array.from(
        { length: n },
        () => `(${userColumns.map(() => '?').join(',')})`,
      ).join(',')}`;
    const full = db.prepare(insertSql(rowsPerStatement));
    const account = db.prepare(
      `INSERT INTO account (${accountColumns.map((c) => `"${c}"`).join(',')}) VALUES (${accountColumns.map(() => '?').join(',')})`,
    );
    const peerUser = (i: number): SQLInputValue[] => {
      const row = benchUser(i, '');
      const created = new Date(row[11] as number).toISOString();
      const values: Record<string, unknown> = {
        ...made.user,
        id: `u${String(i).padStart(8, '0')}`,
        name: row[2],
        email: row[1],
        role: row[5] === 'member' ? 'user' : row[5],
        createdAt: created,
        updatedAt: created,
      };
      return userColumns.map((c) => values[c] as SQLInputValue);
    };
    const chunk = (from: number, to: number) =>
      inTransaction(db, () => {
        for (let i = from; i < to; i += rowsPerStatement) {
          const n = Math.min(rowsPerStatement, to - i);
          const params: SQLInputValue[] = [];
          for (let k = 0; k < n; k += 1) params.push(...peerUser(i + k));
          (n === rowsPerStatement ? full : db.prepare(insertSql(n))).run(...params);
        }
      });
    for (let from = 0; from < users; from += 100_000) {
      chunk(from, Math.min(users, from + 100_000));
      log(`better-auth: ${Math.min(users, from + 100_000).toLocaleString('en-US')} users`);
    }
    inTransaction(db, () => {
      for (const i of signInUsers) {
        const id = `u${String(i).padStart(8, '0')}`;
        account.run(
          ...accountColumns.map(
            (c) =>
              (c === 'id'
                ? `a${id}`
                : c === 'userId' || c === 'accountId'
                  ? id
                  : made.account[c]) as SQLInputValue,
          ),
        );
      }
    });
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
