import type { Executor } from '../../db/db.js';

export async function readAll(exec: Executor): Promise<Map<string, string>> {
  const rows = await exec.selectFrom('settings').select(['key', 'value']).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function upsert(exec: Executor, key: string, value: string, at: number): Promise<void> {
  await exec
    .insertInto('settings')
    .values({ key, value, updatedAt: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updatedAt: at }))
    .execute();
}
