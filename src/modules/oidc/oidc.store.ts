import type { Compilable, CompiledQuery, Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import { preparedQuery } from '../../db/prepared.js';
import { nameStatement } from '../../db/statement-names.js';
import type { OidcPayloadsTable } from './oidc.table.js';

export type PayloadRow = Selectable<OidcPayloadsTable>;

/*
 * The statements every token request runs (find, consume, save) are prepared queries (ADR 0003):
 * built and compiled once, not at each of the several a grant makes (part of the refresh grant's
 * CPU budget, issue 12).
 */

/**
 * preparedQuery keeps a query's compiled form per executor, so in a transaction (a new executor each
 * time) it builds and compiles the query again: a tenth of a refresh grant's CPU when measured. A token
 * request's writes all run in one transaction (token-writes.ts), so these are compiled once per
 * dialect adapter (one per database handle, shared by its transactions: the SQL depends on nothing
 * else here; named on PostgreSQL like preparedQuery's) and the compiled query is run on whichever executor is given. Same marker technique as
 * preparedQuery: `build` gives the query one shape whatever the values.
 */
function preparedAnywhere<Args extends unknown[], Row>(
  build: (exec: Executor, ...values: Args) => Compilable<Row>,
): (exec: Executor, ...values: Args) => Promise<Row[]> {
  const outside = preparedQuery(build);
  const markers = Array.from({ length: build.length - 1 }, (_, i) => ({ preparedValue: i }));
  const byAdapter = new WeakMap<object, { compiled: CompiledQuery<Row>; slots: number[] }>();
  return async (exec, ...values) => {
    if (!exec.isTransaction) return outside(exec, ...values);
    const adapter = exec.getExecutor().adapter;
    let prepared = byAdapter.get(adapter);
    if (!prepared) {
      const compiled = build(exec, ...(markers as unknown as Args)).compile();
      const slots = compiled.parameters.map((p) => markers.indexOf(p as (typeof markers)[number]));
      nameStatement(compiled.sql);
      byAdapter.set(adapter, (prepared = { compiled, slots }));
    }
    const { compiled, slots } = prepared;
    const parameters = slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : values[slot]));
    return (await exec.executeQuery<Row>({ ...compiled, parameters })).rows;
  };
}

const upsert = preparedAnywhere(
  (
    exec: Executor,
    model: string,
    id: string,
    payload: string,
    grantId: string | null,
    userCode: string | null,
    uid: string | null,
    accountId: string | null,
    clientId: string | null,
    expiresAt: number | null,
    consumedAt: number | null,
  ) =>
    exec
      .insertInto('oidcPayloads')
      .values({ model, id, payload, grantId, userCode, uid, accountId, clientId, expiresAt, consumedAt })
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet((eb) => ({
          payload: eb.ref('excluded.payload'),
          grantId: eb.ref('excluded.grantId'),
          userCode: eb.ref('excluded.userCode'),
          uid: eb.ref('excluded.uid'),
          accountId: eb.ref('excluded.accountId'),
          clientId: eb.ref('excluded.clientId'),
          expiresAt: eb.ref('excluded.expiresAt'),
        })),
      ),
);

export async function upsertPayload(exec: Executor, row: PayloadRow): Promise<void> {
  await upsert(
    exec,
    row.model,
    row.id,
    row.payload,
    row.grantId,
    row.userCode,
    row.uid,
    row.accountId,
    row.clientId,
    row.expiresAt,
    row.consumedAt,
  );
}

const byModelAndId = preparedQuery((exec: Executor, model: string, id: string) =>
  exec.selectFrom('oidcPayloads').selectAll().where('model', '=', model).where('id', '=', id),
);

export async function findPayload(
  exec: Executor,
  model: string,
  id: string,
): Promise<PayloadRow | undefined> {
  return (await byModelAndId(exec, model, id))[0];
}

export async function findPayloadByUid(
  exec: Executor,
  model: string,
  uid: string,
): Promise<PayloadRow | undefined> {
  return exec
    .selectFrom('oidcPayloads')
    .selectAll()
    .where('model', '=', model)
    .where('uid', '=', uid)
    .executeTakeFirst();
}

const consume = preparedAnywhere((exec: Executor, now: number, model: string, id: string) =>
  exec
    .updateTable('oidcPayloads')
    .set({ consumedAt: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .where('consumedAt', 'is', null)
    .returning('id'),
);

/** Marks a code or token used; false when it already was (or is gone): one winner across nodes. */
export async function consumePayload(
  exec: Executor,
  model: string,
  id: string,
  now: number,
): Promise<boolean> {
  return (await consume(exec, now, model, id)).length === 1;
}

export async function deletePayload(exec: Executor, model: string, id: string): Promise<void> {
  await exec.deleteFrom('oidcPayloads').where('model', '=', model).where('id', '=', id).execute();
}

/** The grant and everything issued under it (the Grant row carries its own id as grant_id). */
export async function revokeGrant(exec: Executor, grantId: string): Promise<void> {
  await exec.deleteFrom('oidcPayloads').where('grantId', '=', grantId).execute();
}

/** A user's grants at one app (My account → connected apps → revoke). */
export async function revokeUserGrantsAt(
  exec: Executor,
  accountId: string,
  clientId: string,
): Promise<number> {
  const result = await exec
    .deleteFrom('oidcPayloads')
    .where('accountId', '=', accountId)
    .where('clientId', '=', clientId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The apps a user holds a grant with. */
export async function grantedClientIds(exec: Executor, accountId: string): Promise<string[]> {
  const rows = await exec
    .selectFrom('oidcPayloads')
    .select('clientId')
    .distinct()
    .where('model', '=', 'Grant')
    .where('accountId', '=', accountId)
    .execute();
  return rows.flatMap((r) => (r.clientId ? [r.clientId] : []));
}

export async function purgeExpired(exec: Executor, now: number): Promise<number> {
  const result = await exec.deleteFrom('oidcPayloads').where('expiresAt', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
