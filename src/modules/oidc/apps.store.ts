import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/db.js';
import { preparedQuery } from '../../db/prepared.js';
import type { OidcAppsTable } from './oidc.table.js';

export type AppRow = Selectable<OidcAppsTable>;

/** On every provider request (the client's metadata and secret): a prepared query (ADR 0003). */
const byId = preparedQuery((exec: Executor, id: string) =>
  exec.selectFrom('oidcApps').selectAll().where('id', '=', id),
);

export async function findApp(exec: Executor, id: string): Promise<AppRow | undefined> {
  return (await byId(exec, id))[0];
}

export async function listApps(exec: Executor): Promise<AppRow[]> {
  return exec.selectFrom('oidcApps').selectAll().orderBy('name').orderBy('id').execute();
}

export async function listAppsByIds(exec: Executor, ids: string[]): Promise<AppRow[]> {
  if (ids.length === 0) return [];
  return exec.selectFrom('oidcApps').selectAll().where('id', 'in', ids).orderBy('name').execute();
}

export async function insertApp(exec: Executor, row: Insertable<OidcAppsTable>): Promise<void> {
  await exec.insertInto('oidcApps').values(row).execute();
}

export async function updateApp(
  exec: Executor,
  id: string,
  changes: Updateable<OidcAppsTable>,
): Promise<void> {
  await exec.updateTable('oidcApps').set(changes).where('id', '=', id).execute();
}

export async function deleteApp(exec: Executor, id: string): Promise<boolean> {
  const result = await exec.deleteFrom('oidcApps').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
