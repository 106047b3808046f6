import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { SelectField, TextField } from '../../../components/TextField';
import { useCreateApp, type NewApp } from '../api';
import { AllowedRolesField, AppUriFields, ROLES } from './AppFields';
import { lines, redirectUriProblem } from './redirect-check';

const TYPES = ['web', 'spa', 'native', 'service'] as const;

/** Register an app; afterwards the copy-ready values (issuer, client id, the secret this once). */
export function CreateAppForm({ issuer, onDone }: { issuer: string; onDone: () => void }) {
  const { t } = useTranslation();
  const create = useCreateApp();
  const [name, setName] = useState('');
  const [type, setType] = useState<NewApp['type']>('web');
  const [redirects, setRedirects] = useState('');
  const [postLogout, setPostLogout] = useState('');
  const [backchannel, setBackchannel] = useState('');
  const [roles, setRoles] = useState<string[]>(['admin', 'member']);
  const [firstParty, setFirstParty] = useState(true);
  const bad = lines(redirects).filter((uri) => redirectUriProblem(uri, type));

  if (create.data)
    return (
      <div className="stack">
        <p role="status">{t('oidc.apps.created', { name: create.data.app.name })}</p>
        <CopyField label={t('oidc.apps.issuer')} value={issuer} monospace />
        <CopyField label={t('oidc.apps.clientId')} value={create.data.app.clientId} monospace />
        {create.data.clientSecret ? (
          <>
            <CopyField label={t('oidc.apps.clientSecret')} value={create.data.clientSecret} monospace />
            <p>{t('oidc.apps.secretOnce')}</p>
          </>
        ) : null}
        <Button variant="primary" onClick={onDone}>
          {t('oidc.apps.done')}
        </Button>
      </div>
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name,
      type,
      redirectUris: lines(redirects),
      postLogoutRedirectUris: lines(postLogout),
      backchannelLogoutUri: backchannel.trim() || null,
      allowedRoles: ROLES.filter((r) => roles.includes(r)),
      firstParty,
    });
  };
  return (
    <form className="stack" onSubmit={submit}>
      <TextField
        label={t('oidc.apps.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <SelectField
        label={t('oidc.apps.type')}
        value={type}
        onChange={(e) => setType(e.target.value as NewApp['type'])}
        options={TYPES.map((value) => ({ value, label: t(`oidc.apps.types.${value}`) }))}
      />
      {type !== 'service' ? (
        <AppUriFields
          redirects={redirects}
          onRedirects={setRedirects}
          badRedirect={bad[0]}
          postLogout={postLogout}
          onPostLogout={setPostLogout}
          backchannel={backchannel}
          onBackchannel={setBackchannel}
        />
      ) : null}
      <AllowedRolesField roles={roles} onChange={setRoles} />
      <label className="checkbox">
        <input type="checkbox" checked={firstParty} onChange={(e) => setFirstParty(e.target.checked)} />{' '}
        {t('oidc.apps.firstParty')}
      </label>
      {create.isError ? <ErrorMessage error={create.error} /> : null}
      <div className="form-actions">
        <Button type="button" variant="secondary" onClick={onDone}>
          {t('oidc.apps.cancel')}
        </Button>
        <Button
          type="submit"
          variant="primary"
          loading={create.isPending}
          disabled={bad.length > 0 || roles.length === 0}
        >
          {t('oidc.apps.create')}
        </Button>
      </div>
    </form>
  );
}
