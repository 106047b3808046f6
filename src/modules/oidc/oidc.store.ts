import type { Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import { preparedQuery } from '../../db/prepared.js';
import type { OidcPayloadsTable } from './oidc.table.js';

export type PayloadRow = Selectable<OidcPayloadsTable>;

/*
 * The statements every token request runs (find, consume, save) are prepared queries (ADR 0003):
 * built and compiled once, not at each of the several a grant makes (part of the refresh grant's
 * CPU budget, issue 12).
 */

const upsert = preparedQuery(
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

const consume = preparedQuery((exec: Executor, now: number, model: string, id: string) =>
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
