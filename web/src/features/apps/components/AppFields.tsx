import { useTranslation } from 'react-i18next';
import { TextAreaField, TextField } from '../../../components/TextField';

export const ROLES = ['admin', 'member', 'viewer'] as const;

/** Where an interactive app's users come back to: redirect URIs (checked as typed), sign-out URIs, back-channel URI. */
export function AppUriFields(props: {
  redirects: string;
  onRedirects: (value: string) => void;
  /** The first redirect URI that breaks the app type's rules (RFC 8252 loopback for native), if any. */
  badRedirect: string | undefined;
  postLogout: string;
  onPostLogout: (value: string) => void;
  backchannel: string;
  onBackchannel: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextAreaField
        label={t('oidc.apps.redirectUris')}
        hint={t('oidc.apps.redirectUrisHint')}
        value={props.redirects}
        onChange={(e) => props.onRedirects(e.target.value)}
        error={
          props.badRedirect !== undefined
            ? t('oidc.apps.redirectUriInvalid', { uri: props.badRedirect })
            : null
        }
      />
      <TextAreaField
        label={t('oidc.apps.postLogoutUris')}
        value={props.postLogout}
        onChange={(e) => props.onPostLogout(e.target.value)}
      />
      <TextField
        label={t('oidc.apps.backchannelUri')}
        hint={t('oidc.apps.backchannelHint')}
        value={props.backchannel}
        onChange={(e) => props.onBackchannel(e.target.value)}
      />
    </>
  );
}

/** The roles whose users may sign in to the app; an app must allow at least one. */
export function AllowedRolesField({
  roles,
  onChange,
  showEmptyError = false,
}: {
  roles: string[];
  onChange: (roles: string[]) => void;
  showEmptyError?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="field">
      <legend className="field-label">{t('oidc.apps.allowedRoles')}</legend>
      {ROLES.map((role) => (
        <label key={role} className="checkbox">
          <input
            type="checkbox"
            checked={roles.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))}
          />{' '}
          {t(`roles.${role}`)}
        </label>
      ))}
      {showEmptyError && roles.length === 0 ? (
        <p className="field-error">{t('oidc.apps.edit.noRoles')}</p>
      ) : null}
    </fieldset>
  );
}
