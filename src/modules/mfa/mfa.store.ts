import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/db.js';
import type { FactorKind, MfaFactorsTable, ResetScope } from './mfa.table.js';

export type FactorRow = Selectable<MfaFactorsTable>;

export async function insertFactor(exec: Executor, row: Insertable<MfaFactorsTable>): Promise<void> {
  await exec.insertInto('mfaFactors').values(row).execute();
}

export async function findFactor(exec: Executor, userId: string, id: string): Promise<FactorRow | undefined> {
  return exec
    .selectFrom('mfaFactors')
    .selectAll()
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
}

export async function activeFactors(exec: Executor, userId: string, kind?: FactorKind): Promise<FactorRow[]> {
  let q = exec
    .selectFrom('mfaFactors')
    .selectAll()
    .where('userId', '=', userId)
    .where('status', '=', 'active');
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('createdAt').orderBy('id').execute();
}

/** A user keeps at most one unconfirmed authenticator: a new enrollment replaces the previous one. */
export async function deletePending(exec: Executor, userId: string, kind: FactorKind): Promise<void> {
  await exec
    .deleteFrom('mfaFactors')
    .where('userId', '=', userId)
    .where('kind', '=', kind)
    .where('status', '=', 'pending')
    .execute();
}

export async function activate(exec: Executor, id: string, step: number, at: number): Promise<boolean> {
  const result = await exec
    .updateTable('mfaFactors')
    .set({ status: 'active', lastStep: step, lastUsedAt: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Accepts a TOTP step only if it is after the last accepted one, in one conditional UPDATE: of two
 * nodes (or requests) presenting one code, exactly one succeeds (SEC-MFA-01).
 */
export async function acceptStep(exec: Executor, id: string, step: number, at: number): Promise<boolean> {
  const result = await exec
    .updateTable('mfaFactors')
    .set({ lastStep: step, lastUsedAt: at })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('lastStep', 'is', null), eb('lastStep', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function renameFactor(exec: Executor, id: string, name: string): Promise<void> {
  await exec.updateTable('mfaFactors').set({ name }).where('id', '=', id).execute();
}

export async function deleteFactor(
  exec: Executor,
  userId: string,
  id: string,
): Promise<FactorRow | undefined> {
  const row = await findFactor(exec, userId, id);
  if (!row) return undefined;
  await exec.deleteFrom('mfaFactors').where('id', '=', id).execute();
  return row;
}

export async function deleteAllFactors(exec: Executor, userId: string): Promise<number> {
  const result = await exec.deleteFrom('mfaFactors').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Per user of the admin's list, in one query (one round trip per page): active factors by kind, and
 * unused recovery codes as kind 'recovery_code'. Counts only, never a secret.
 */
export async function summaryCounts(
  exec: Executor,
  userIds: readonly string[],
): Promise<Array<{ userId: string; kind: FactorKind | 'recovery_code'; count: number }>> {
  if (userIds.length === 0) return [];
  const rows = await exec
    .selectFrom('mfaFactors')
    .select((eb) => [
      'userId',
      eb.ref('kind').$castTo<FactorKind | 'recovery_code'>().as('kind'),
      eb.fn.countAll<number | string>().as('count'),
    ])
    .where('userId', 'in', userIds)
    .where('status', '=', 'active')
    .groupBy(['userId', 'kind'])
    .unionAll((eb) =>
      eb
        .selectFrom('mfaRecoveryCodes')
        .select([
          'userId',
          sql<'recovery_code'>`'recovery_code'`.as('kind'),
          eb.fn.countAll<number | string>().as('count'),
        ])
        .where('userId', 'in', userIds)
        .where('usedAt', 'is', null)
        .groupBy('userId'),
    )
    .execute();
  return rows.map((r) => ({ userId: r.userId, kind: r.kind, count: Number(r.count) }));
}

export async function remainingCodeCounts(
  exec: Executor,
  userIds: readonly string[],
): Promise<Array<{ userId: string; count: number; createdAt: number }>> {
  if (userIds.length === 0) return [];
  const rows = await exec
    .selectFrom('mfaRecoveryCodes')
    .select([
      'userId',
      (eb) => eb.fn.countAll<number | string>().as('count'),
      (eb) => eb.fn.min('createdAt').as('createdAt'),
    ])
    .where('userId', 'in', userIds)
    .where('usedAt', 'is', null)
    .groupBy('userId')
    .execute();
  return rows.map((r) => ({ userId: r.userId, count: Number(r.count), createdAt: Number(r.createdAt) }));
}

export async function replaceCodes(
  exec: Executor,
  userId: string,
  rows: Array<{ id: string; codeHash: string }>,
  at: number,
): Promise<void> {
  await exec.deleteFrom('mfaRecoveryCodes').where('userId', '=', userId).execute();
  await exec
    .insertInto('mfaRecoveryCodes')
    .values(rows.map((r) => ({ ...r, userId, createdAt: at, usedAt: null })))
    .execute();
}

export async function deleteCodes(exec: Executor, userId: string): Promise<void> {
  await exec.deleteFrom('mfaRecoveryCodes').where('userId', '=', userId).execute();
}

export async function unusedCodes(
  exec: Executor,
  userId: string,
): Promise<Array<{ id: string; codeHash: string }>> {
  return exec
    .selectFrom('mfaRecoveryCodes')
    .select(['id', 'codeHash'])
    .where('userId', '=', userId)
    .where('usedAt', 'is', null)
    .execute();
}

/** Single use under concurrency: only the request whose UPDATE changes the row used the code. */
export async function useCode(exec: Executor, id: string, at: number): Promise<boolean> {
  const result = await exec
    .updateTable('mfaRecoveryCodes')
    .set({ usedAt: at })
    .where('id', '=', id)
    .where('usedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertEnrollmentLink(
  exec: Executor,
  row: {
    id: string;
    userId: string;
    tokenHash: string;
    scope: ResetScope;
    createdAt: number;
    expiresAt: number;
  },
): Promise<void> {
  // One open link per user: a new reset ends the previous link.
  await exec.deleteFrom('mfaEnrollmentLinks').where('userId', '=', row.userId).execute();
  await exec
    .insertInto('mfaEnrollmentLinks')
    .values({ ...row, usedAt: null })
    .execute();
}

export async function findEnrollmentLink(exec: Executor, tokenHash: string, now: number) {
  return exec
    .selectFrom('mfaEnrollmentLinks')
    .selectAll()
    .where('tokenHash', '=', tokenHash)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .executeTakeFirst();
}

export async function useEnrollmentLink(exec: Executor, id: string, at: number): Promise<boolean> {
  const result = await exec
    .updateTable('mfaEnrollmentLinks')
    .set({ usedAt: at })
    .where('id', '=', id)
    .where('usedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
