import { createHash } from 'node:crypto';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import pg from 'pg';

/**
 * A deterministic directory of N users, the same rows on both databases, inserted in bulk straight
 * through the drivers (multi-row INSERTs in big transactions on SQLite, unnest() arrays on
 * PostgreSQL) after Gatehouse's own migrations have made the schema, indexes and triggers.
 *
 * Names are realistic enough for a substring search to mean something: 120 first names and
 * three-syllable surnames from 40 syllables (64,000 of them), so a six-letter piece of a surname
 * matches a handful to a few hundred people, as a search for a person does.
 */

const FIRST = [
  'Ada',
  'Alan',
  'Alice',
  'Amara',
  'Anders',
  'Angela',
  'Anika',
  'Antonio',
  'Aria',
  'Arjun',
  'Astrid',
  'Ayla',
  'Barbara',
  'Beatriz',
  'Benoit',
  'Bianca',
  'Boris',
  'Bruno',
  'Camille',
  'Carlos',
  'Chen',
  'Chiara',
  'Claude',
  'Dalia',
  'Daniel',
  'Dennis',
  'Diego',
  'Dmitri',
  'Edsger',
  'Elena',
  'Elif',
  'Emil',
  'Emma',
  'Eric',
  'Esther',
  'Fatima',
  'Felix',
  'Fiona',
  'Frances',
  'Gabriel',
  'Grace',
  'Greta',
  'Hana',
  'Hedy',
  'Hugo',
  'Ines',
  'Ingrid',
  'Ivan',
  'Jamal',
  'Jana',
  'Javier',
  'Jia',
  'Johan',
  'Jonas',
  'Julia',
  'Kai',
  'Karim',
  'Katarina',
  'Kenji',
  'Lara',
  'Leila',
  'Leon',
  'Lina',
  'Lucas',
  'Lucia',
  'Magnus',
  'Maja',
  'Marco',
  'Maria',
  'Mateo',
  'Maya',
  'Mei',
  'Mila',
  'Mohammed',
  'Nadia',
  'Nathan',
  'Nia',
  'Niklas',
  'Noah',
  'Nora',
  'Olga',
  'Omar',
  'Oscar',
  'Paula',
  'Pedro',
  'Priya',
  'Rafael',
  'Rania',
  'Ravi',
  'Rosa',
  'Ruth',
  'Sami',
  'Sara',
  'Sean',
  'Sofia',
  'Sven',
  'Tariq',
  'Tessa',
  'Theo',
  'Tomas',
  'Uma',
  'Valentina',
  'Victor',
  'Wei',
  'Xavier',
  'Yara',
  'Yusuf',
  'Zara',
  'Zoe',
  'Hamid',
  'Ilse',
  'Jorge',
  'Keiko',
  'Lars',
  'Malik',
  'Nils',
  'Petra',
  'Quentin',
  'Rolf',
  'Stella',
];
const SYLLABLES = [
  'ba',
  'ber',
  'cho',
  'dan',
  'del',
  'dor',
  'fal',
  'gan',
  'hol',
  'ise',
  'jon',
  'kar',
  'kov',
  'lam',
  'lin',
  'mar',
  'mor',
  'nak',
  'nor',
  'ova',
  'pet',
  'quin',
  'ras',
  'ren',
  'sal',
  'sen',
  'tak',
  'tor',
  'ula',
  'van',
  'vik',
  'wal',
  'wen',
  'xen',
  'yam',
  'yel',
  'zan',
  'zor',
  'ste',
  'gri',
];

const DAY = 86_400_000;
const BASE = Date.UTC(2020, 0, 1);
const YEARS_5 = 5 * 365 * DAY;

/** The same small PRNG for every row, seeded by its index: row i is the same on every run and database. */
function rng(seed: number): () => number {
  let a = seed ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFor(i: number): string {
  const h = createHash('md5').update(`gatehouse-bench-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function surname(r: () => number): string {
  const s = [0, 1, 2].map(() => SYLLABLES[Math.floor(r() * SYLLABLES.length)]).join('');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const BENCH_EMAIL_DOMAIN = 'example.com';

/** One user row, as Gatehouse's users table stores it (snake_case column order of COLUMNS). */
export function benchUser(i: number, passwordHash: string): unknown[] {
  const r = rng(i + 1);
  const first = FIRST[Math.floor(r() * FIRST.length)] as string;
  const last = surname(r);
  const name = `${first} ${last}`;
  const email = `${first}.${last}.${i}@${BENCH_EMAIL_DOMAIN}`.toLowerCase();
  const roll = r();
  const role = roll < 0.01 ? 'admin' : roll < 0.7 ? 'member' : 'viewer';
  const status = r() < 0.95 ? 'active' : 'deactivated';
  const createdAt = BASE + Math.floor(r() * YEARS_5);
  const lastSignInAt = r() < 0.3 ? 0 : createdAt + Math.floor(r() * 365 * DAY);
  return [
    uuidFor(i),
    email,
    name,
    name.toLowerCase(),
    `${email} ${name}`.toLowerCase(),
    role,
    status,
    passwordHash,
    0,
    null,
    createdAt,
    createdAt,
    createdAt,
    lastSignInAt,
  ];
}

/** The email of bulk user i (for sign-in load). */
export function benchEmail(i: number): string {
  return benchUser(i, '')[1] as string;
}

const COLUMNS = [
  'id',
  'email',
  'name',
  'name_key',
  'search',
  'role',
  'status',
  'password_hash',
  'password_temporary',
  'password_expires_at',
  'password_changed_at',
  'created_at',
  'updated_at',
  'last_sign_in_at',
] as const;
const PG_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'int',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
];

type Progress = (done: number) => void;

/**
 * Bulk insert into an already migrated SQLite file, as one would load a big import: the users
 * table's secondary indexes and triggers are read from the schema, dropped, the rows inserted with
 * 500-row INSERTs in 100,000-row transactions, and then the indexes built again, the FTS5 search
 * index rebuilt from the table, the triggers put back, all exactly as the migrations made them, and
 * the per-(role, status) counters the triggers keep recounted.
 */
export function seedSqlite(path: string, count: number, passwordHash: string, progress?: Progress): void {
  const db = new DatabaseSync(path);
  try {
    // The load need not survive a crash (it is redone); the server runs with WAL and synchronous = FULL.
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144');
    const saved = db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master
         WHERE tbl_name = 'users' AND type IN ('index', 'trigger') AND sql IS NOT NULL`,
      )
      .all() as unknown as Array<{ type: 'index' | 'trigger'; name: string; sql: string }>;
    for (const item of saved) db.exec(`DROP ${item.type.toUpperCase()} "${item.name}"`);

    const rowsPerStatement = 500;
    const placeholders = `(${COLUMNS.map(() => '?').join(',')})`;
    const sqlFor = (n: number) =>
      `INSERT INTO users (${COLUMNS.join(',')}) VALUES ${Array.from({ length: n }, () => placeholders).join(',')}`;
    const full = db.prepare(sqlFor(rowsPerStatement));
    const perTransaction = 100_000;
    const insertChunk = (from: number, to: number) =>
      inTransaction(db, () => {
        for (let i = from; i < to; i += rowsPerStatement) {
          const n = Math.min(rowsPerStatement, to - i);
          const values: SQLInputValue[] = [];
          for (let k = 0; k < n; k += 1) values.push(...(benchUser(i + k, passwordHash) as SQLInputValue[]));
          (n === rowsPerStatement ? full : db.prepare(sqlFor(n))).run(...values);
        }
      });
    for (let from = 0; from < count; from += perTransaction) {
      insertChunk(from, Math.min(count, from + perTransaction));
      progress?.(Math.min(count, from + perTransaction));
    }
    for (const item of saved.filter((x) => x.type === 'index')) db.exec(item.sql);
    const fts = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'users_search'`).get();
    if (fts) db.exec(`INSERT INTO users_search(users_search) VALUES ('rebuild')`);
    for (const item of saved.filter((x) => x.type === 'trigger')) db.exec(item.sql);
    const counters = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'user_counts'`).get();
    if (counters) {
      db.exec(`DELETE FROM user_counts;
        INSERT INTO user_counts (role, status, n) SELECT role, status, count(*) FROM users GROUP BY role, status`);
    }
    db.exec('PRAGMA journal_mode = WAL');
  } finally {
    db.close();
  }
}

/** Runs `work` in one SQLite transaction (node:sqlite has no transaction helper). */
export function inTransaction(db: DatabaseSync, work: () => void): void {
  db.exec('BEGIN');
  try {
    work();
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Bulk insert into an already migrated PostgreSQL database: one INSERT … SELECT FROM unnest() of
 * column arrays per 20,000 rows. The secondary indexes (the trigram GIN index among them) are read
 * from the catalog, dropped for the load and built again afterwards, exactly as defined, as one
 * would for any bulk load. VACUUM ANALYZE then does what autovacuum would do soon after.
 */
export async function seedPostgres(
  url: string,
  count: number,
  passwordHash: string,
  progress?: Progress,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Every index of users that no constraint owns (the primary key and the unique email stay).
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = 'users'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);
    const batch = 20_000;
    const select = COLUMNS.map((_, k) => `$${k + 1}::${PG_TYPES[k]}[]`).join(', ');
    const insert = `INSERT INTO users (${COLUMNS.join(',')}) SELECT * FROM unnest(${select})`;
    for (let from = 0; from < count; from += batch) {
      const to = Math.min(count, from + batch);
      const columns: unknown[][] = COLUMNS.map(() => []);
      for (let i = from; i < to; i += 1) {
        const row = benchUser(i, passwordHash);
        for (let k = 0; k < COLUMNS.length; k += 1) (columns[k] as unknown[]).push(row[k]);
      }
      await client.query(insert, columns);
      progress?.(to);
    }
    await client.query(`SET maintenance_work_mem = '512MB'`);
    for (const index of indexes) await client.query(index.indexdef);
    await client.query('VACUUM ANALYZE users');
  } finally {
    await client.end();
  }
}
