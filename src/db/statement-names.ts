/**
 * The statement names of prepared queries (ADR 0003), shared by prepared.ts, which names them, and
 * db.ts, whose PostgreSQL driver runs them as named statements. Its own file so neither of those two
 * imports the other.
 */
const statementNames = new Map<string, string>();

export function statementNameFor(sql: string): string | undefined {
  return statementNames.get(sql);
}

/** Gives a prepared query's SQL a name once; bounded, since only preparedQuery calls it. */
export function nameStatement(sql: string): void {
  if (!statementNames.has(sql)) statementNames.set(sql, `gatehouse_${statementNames.size + 1}`);
}
