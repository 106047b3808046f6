import type { Compilable, CompiledQuery } from 'kysely';
import type { Executor } from './db.js';
import { nameStatement } from './statement-names.js';

/**
 * The SQL of prepared queries, each with a statement name: on PostgreSQL the pool's clients run these
 * as named (server-side) prepared statements, so the server parses and plans them once per
 * connection instead of at every request (planning the guard's join costs several times its
 * execution). Bounded: only queries made with preparedQuery are named, never arbitrary SQL.
 */

interface Prepared<Row> {
  compiled: CompiledQuery<Row>;
  /** For each parameter of the compiled query: the index of the argument it takes, or -1 for a constant. */
  slots: number[];
}

/**
 * A query on the path of every request (the session, token and user lookups behind the guard), built
 * and compiled by Kysely once per database and then run with new values. Building, running the
 * CamelCase plugin over the tree and compiling cost more than SQLite's own work on these one-row
 * lookups: about 20 µs a query against 3–8 µs, measured with --cpu-prof on GET /api/v1/me.
 *
 * `build` must give the query the same shape whatever the values (no `in` lists of varying length,
 * no branches on a value): it is called once, with markers in place of the values, and each
 * marker's place among the compiled parameters is where later values go. Results still pass
 * through the plugins (snake_case → camelCase), as with any Kysely query.
 */
export function preparedQuery<Args extends unknown[], Row>(
  build: (exec: Executor, ...values: Args) => Compilable<Row>,
): (exec: Executor, ...values: Args) => Promise<Row[]> {
  const markers = Array.from({ length: build.length - 1 }, (_, i) => ({ preparedValue: i }));
  // Keyed by executor: a transaction gets its own entry, dropped with it.
  const cache = new WeakMap<Executor, Prepared<Row>>();
  const prepare = (exec: Executor): Prepared<Row> => {
    const compiled = build(exec, ...(markers as unknown as Args)).compile();
    const slots = compiled.parameters.map((p) => markers.indexOf(p as (typeof markers)[number]));
    for (let i = 0; i < markers.length; i++)
      if (!slots.includes(i)) throw new Error(`preparedQuery: value ${i} is not a parameter of the query`);
    nameStatement(compiled.sql);
    return { compiled, slots };
  };
  return async (exec, ...values) => {
    let prepared = cache.get(exec);
    if (!prepared) cache.set(exec, (prepared = prepare(exec)));
    const { compiled, slots } = prepared;
    const parameters = slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : values[slot]));
    const result = await exec.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}
