import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/db.js';
import type { OidcAppsTable } from './oidc.table.js';

export type AppRow = Selectable<OidcAppsTable>;

export async function findApp(exec: Executor, id: string): Promise<AppRow | undefined> {
  return exec.selectFrom('oidcApps').selectAll().where('id', '=', id).executeTakeFirst();
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
