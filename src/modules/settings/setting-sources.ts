import type { Executor } from '../../db/db.js';
import type { OrgSettings } from './settings.service.js';
import * as store from './settings.store.js';

/**
 * Where the value in force comes from. A value saved in Settings (the database) overrides the
 * environment on every node; without one, the environment variable if this process was given it,
 * else the built-in default. Settings in the console shows it beside each value.
 */
export type SettingSource = 'database' | 'environment' | 'default';

/** The environment variable behind each setting; those without one are database or default only. */
export const SETTING_VARIABLES: Record<keyof OrgSettings, string | null> = {
  organizationName: 'ORGANIZATION_NAME',
  defaultLocale: 'DEFAULT_LOCALE',
  membersMayInvite: null,
  passwordMinLength: 'PASSWORD_MIN_LENGTH',
  sessionIdleMinutes: 'SESSION_IDLE_MINUTES',
  sessionAbsoluteHours: 'SESSION_ABSOLUTE_HOURS',
  temporaryPasswordHours: 'TEMP_PASSWORD_HOURS',
  mfaPolicy: null,
  selfResetLinkMinutes: 'RESET_LINK_MINUTES',
  adminResetLinkHours: 'ADMIN_RESET_LINK_HOURS',
  invitationLinkHours: 'INVITATION_LINK_HOURS',
  logoUrl: 'LOGO_URL',
};

export async function readSettingSources(
  exec: Executor,
  givenVariables: ReadonlySet<string>,
): Promise<Record<keyof OrgSettings, SettingSource>> {
  const stored = await store.readAll(exec);
  const entries = Object.entries(SETTING_VARIABLES).map(([key, variable]) => {
    const source: SettingSource = stored.has(key)
      ? 'database'
      : variable !== null && givenVariables.has(variable)
        ? 'environment'
        : 'default';
    return [key, source];
  });
  return Object.fromEntries(entries) as Record<keyof OrgSettings, SettingSource>;
}
