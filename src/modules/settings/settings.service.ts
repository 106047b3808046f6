import { dbNow } from '../../db/time.js';
import type { Db, Executor } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { ActorContext } from '../../shared/context.js';
import { recordAuditEvent } from '../audit/index.js';
import { DEFAULT_MFA_POLICY, type MfaPolicy } from './mfa-policy.js';
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
  /** Two-step verification per role (issue 13). */
  mfaPolicy: MfaPolicy;
  /** Link lifetimes (SEC-RST-03): Forgot password and the lockout notice, an admin's link, an invitation. */
  selfResetLinkMinutes: number;
  adminResetLinkHours: number;
  invitationLinkHours: number;
  /** Branding: the organization's logo (https only) at the top of HTML mail; null: the name alone. */
  logoUrl: string | null;
}

export const SETTING_KEYS = [
  'organizationName',
  'defaultLocale',
  'membersMayInvite',
  'passwordMinLength',
  'sessionIdleMinutes',
  'sessionAbsoluteHours',
  'temporaryPasswordHours',
  'mfaPolicy',
  'selfResetLinkMinutes',
  'adminResetLinkHours',
  'invitationLinkHours',
  'logoUrl',
] as const satisfies ReadonlyArray<keyof OrgSettings>;

/** The environment's values; the MFA policy has no environment value (optional everywhere unless set). */
export type SettingsDefaults = Omit<OrgSettings, 'mfaPolicy'> & { mfaPolicy?: MfaPolicy };

export async function readSettings(db: Executor, defaults: SettingsDefaults): Promise<OrgSettings> {
  const stored = await store.readAll(db);
  const merged: Record<string, unknown> = { mfaPolicy: DEFAULT_MFA_POLICY, ...defaults };
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
  defaults: SettingsDefaults,
  patch: Partial<Omit<OrgSettings, 'mfaPolicy'>> & { mfaPolicy?: Omit<MfaPolicy, 'changedAt'> },
): Promise<OrgSettings> {
  return deps.db.transaction().execute(async (trx) => {
    const before = await readSettings(trx, defaults);
    const now = await dbNow(trx, deps.clock);
    for (const key of SETTING_KEYS) {
      let value: unknown = patch[key];
      if (value === undefined) continue;
      if (key === 'mfaPolicy') {
        const { changedAt: _previous, ...rest } = before.mfaPolicy;
        if (JSON.stringify(rest) === JSON.stringify(value)) continue;
        // The grace period of a newly required factor starts now (SEC-MFA-08).
        value = { ...(value as object), changedAt: now };
      } else if (value === before[key]) continue;
      await store.upsert(trx, key, JSON.stringify(value), now);
      await recordAuditEvent(trx, deps.clock, actor, {
        action: 'settings.changed',
        details: { setting: key, from: before[key], to: value },
      });
    }
    return readSettings(trx, defaults);
  });
}
