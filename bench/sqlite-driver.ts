/**
 * `npm run bench:sqlite-driver`: rows read per second by the SQLite driver, as issue 18 measured
 * the candidates: one 5-column row by primary key through a two-table join, prepared, 200,000 calls.
 * Measures Node's built-in node:sqlite directly and through Gatehouse's Kysely adapter
 * (src/db/node-sqlite.ts: statement cache lookup, parameter binding), so that the adapter's own cost
 * is visible. Prints a table; the figures go to docs/adr/0004-node-sqlite.md.
 */
import { DatabaseSync } from 'node:sqlite';
import { adaptForKysely } from '../src/db/node-sqlite.js';

const CALLS = 200_000;
const ROWS = 10_000;
const SQL = `select u.id, u.email, u.name, u.role, s.expires_at
  from sessions s join users u on u.id = s.user_id where s.id = ?`;

function seed(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  db.exec(`create table users (id text primary key, email text, name text, role text, status text);
    create table sessions (id text primary key, user_id text references users(id), expires_at integer)`);
  const user = db.prepare('insert into users values (?, ?, ?, ?, ?)');
  const session = db.prepare('insert into sessions values (?, ?, ?)');
  db.exec('begin');
  for (let i = 0; i < ROWS; i++) {
    user.run(`u${i}`, `user${i}@example.com`, `User ${i}`, 'member', 'active');
    session.run(`s${i}`, `u${i}`, 1_800_000_000_000 + i);
  }
  db.exec('commit');
  return db;
}

function measure(label: string, read: (key: string) => unknown): { label: string; rowsPerSecond: number } {
  for (let i = 0; i < 20_000; i++) read(`s${i % ROWS}`); // warm-up
  const best: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) if (!read(`s${(i * 7919) % ROWS}`)) throw new Error('no row');
    best.push(CALLS / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  return { label, rowsPerSecond: Math.max(...best) };
}

const raw = seed();
const statement = raw.prepare(SQL);
const adapted = adaptForKysely(seed());
const results = [
  measure('node:sqlite, prepared statement', (key) => statement.get(key)),
  measure(
    'node:sqlite through the Kysely adapter (cache + all)',
    (key) => adapted.prepare(SQL).all([key])[0],
  ),
];
console.log(`Node ${process.version}, ${CALLS.toLocaleString('en-US')} calls, best of 3\n`);
console.log('| driver | rows/s |\n| --- | --- |');
for (const r of results) console.log(`| ${r.label} | ${Math.round(r.rowsPerSecond / 1000)}k |`);
