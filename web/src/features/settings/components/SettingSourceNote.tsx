import { useTranslation } from 'react-i18next';
import type { ResponseOf } from '../../../lib/api';

type Settings = ResponseOf<'/api/v1/settings', 'get'>;
type SettingKey = keyof Settings['sources'];

/** The environment variable behind each setting (as README's configuration table says). */
const VARIABLES: Partial<Record<SettingKey, string>> = {
  organizationName: 'ORGANIZATION_NAME',
  defaultLocale: 'DEFAULT_LOCALE',
  passwordMinLength: 'PASSWORD_MIN_LENGTH',
  sessionIdleMinutes: 'SESSION_IDLE_MINUTES',
  sessionAbsoluteHours: 'SESSION_ABSOLUTE_HOURS',
  temporaryPasswordHours: 'TEMP_PASSWORD_HOURS',
  selfResetLinkMinutes: 'RESET_LINK_MINUTES',
  adminResetLinkHours: 'ADMIN_RESET_LINK_HOURS',
  invitationLinkHours: 'INVITATION_LINK_HOURS',
  logoUrl: 'LOGO_URL',
};

/**
 * Where the value in force comes from: saved in Settings (the database, which overrides the
 * environment), the environment variable, or the default. Shown under each field.
 */
export function SettingSourceNote({ settings, setting }: { settings: Settings; setting: SettingKey }) {
  const { t } = useTranslation();
  const source = settings.sources[setting];
  const variable = VARIABLES[setting];
  // The variable is an identifier, shown as code, never translated.
  return (
    <span data-setting-source={source}>
      {t(`settingsSource.source.${source}`)}
      {source === 'environment' && variable ? (
        <>
          {' '}
          <code>{variable}</code>
        </>
      ) : null}
    </span>
  );
}
