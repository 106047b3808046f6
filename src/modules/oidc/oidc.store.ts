import type { Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import type { OidcPayloadsTable } from './oidc.table.js';

export type PayloadRow = Selectable<OidcPayloadsTable>;

export async function upsertPayload(exec: Executor, row: PayloadRow): Promise<void> {
  await exec
    .insertInto('oidcPayloads')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet({
        payload: row.payload,
        grantId: row.grantId,
        userCode: row.userCode,
        uid: row.uid,
        accountId: row.accountId,
        clientId: row.clientId,
        expiresAt: row.expiresAt,
      }),
    )
    .execute();
}

export async function findPayload(
  exec: Executor,
  model: string,
  id: string,
): Promise<PayloadRow | undefined> {
  return exec
    .selectFrom('oidcPayloads')
    .selectAll()
    .where('model', '=', model)
    .where('id', '=', id)
    .executeTakeFirst();
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

/** Marks a code or token used; false when it already was (or is gone): one winner across nodes. */
export async function consumePayload(
  exec: Executor,
  model: string,
  id: string,
  now: number,
): Promise<boolean> {
  const result = await exec
    .updateTable('oidcPayloads')
    .set({ consumedAt: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .where('consumedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
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
