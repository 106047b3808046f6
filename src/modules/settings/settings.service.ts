import { dbNow } from '../../db/time.js';
import type { Db, Executor } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import * as store from './settings.store.js';

/** Organization settings an admin can change at run time; unset ones fall back to the environment's values. */
export interface OrgSettings {
  organizationName: string;
  defaultLocale: string;
  membersMayInvite: boolean;
  passwordMinLength: number;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  temporaryPasswordHours: number;
}

export const SETTING_KEYS = [
  'organizationName',
  'defaultLocale',
  'membersMayInvite',
  'passwordMinLength',
  'sessionIdleMinutes',
  'sessionAbsoluteHours',
  'temporaryPasswordHours',
] as const satisfies ReadonlyArray<keyof OrgSettings>;

export async function readSettings(db: Executor, defaults: OrgSettings): Promise<OrgSettings> {
  const stored = await store.readAll(db);
  const merged: Record<string, unknown> = { ...defaults };
  for (const key of SETTING_KEYS) {
    const raw = stored.get(key);
    if (raw !== undefined) merged[key] = JSON.parse(raw) as unknown;
  }
  return merged as unknown as OrgSettings;
}

/** Applies a validated patch; each changed key is audited with its old and new value, in one transaction. */
export async function updateSettings(
  deps: { db: Db; clock: Clock },
  actor: ActorContext,
  defaults: OrgSettings,
  patch: Partial<OrgSettings>,
): Promise<OrgSettings> {
  return deps.db.transaction().execute(async (trx) => {
    const before = await readSettings(trx, defaults);
    const now = await dbNow(trx, deps.clock);
    for (const key of SETTING_KEYS) {
      const value = patch[key];
      if (value === undefined || value === before[key]) continue;
      await store.upsert(trx, key, JSON.stringify(value), now);
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'settings.changed',
        details: { setting: key, from: before[key], to: value },
      });
    }
    return readSettings(trx, defaults);
  });
}
