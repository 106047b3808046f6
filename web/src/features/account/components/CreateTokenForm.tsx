import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { SelectField, TextField } from '../../../components/TextField';
import { isApiError } from '../../../lib/api';
import { useReauthenticate } from '../api';
import { useCreateMyToken } from '../api/tokens';

const EXPIRIES = ['30', '90', '365', 'never'] as const;
type Expiry = (typeof EXPIRIES)[number];

/**
 * A new personal API token (issue 14 item 8): a name and an expiry, the secret shown once. Creating one
 * wants a recent sign-in (SEC-MFA-07): when the server asks, the password is asked again, then the
 * token is created.
 */
export function CreateTokenForm() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [password, setPassword] = useState('');
  const create = useCreateMyToken();
  const reauth = useReauthenticate();

  const reset = () => {
    setOpen(false);
    setName('');
    setExpiry('90');
    setPassword('');
    create.reset();
    reauth.reset();
  };
  const body = () => ({
    name: name.trim(),
    ...(expiry === 'never'
      ? {}
      : { expiresAt: new Date(Date.now() + Number(expiry) * 86_400_000).toISOString() }),
  });
  const needsPassword = isApiError(create.error) && create.error.code === 'reauthentication_required';

  if (create.isSuccess) {
    return (
      <div className="form create-token">
        <Notice tone="success" title={t('apiTokens.createdTitle', { name: create.data.info.name })}>
          <p>{t('apiTokens.shownOnce')}</p>
        </Notice>
        <CopyField label={t('apiTokens.secret')} value={create.data.token} monospace />
        <Button variant="primary" onClick={reset}>
          {t('common.done')}
        </Button>
      </div>
    );
  }
  if (!open) {
    return (
      <Button onClick={() => setOpen(true)} className="create-token-open">
        {t('apiTokens.new')}
      </Button>
    );
  }
  if (needsPassword) {
    return (
      <form
        className="form create-token"
        aria-label={t('mfa.reauthTitle')}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          reauth.mutate(password, {
            onSuccess: () => create.mutate(body()),
            onError: () => setPassword(''),
          });
        }}
      >
        <p className="field-label">{t('mfa.reauthTitle')}</p>
        <p className="muted">{t('mfa.reauthDescription')}</p>
        {reauth.isError ? <ErrorMessage error={reauth.error} /> : null}
        <PasswordField
          label={t('mfa.reauthPassword')}
          name="reauth-password"
          autoComplete="current-password"
          required
          autoFocus
          value={password}
          onChange={setPassword}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={reauth.isPending || create.isPending}>
            {t('mfa.reauthSubmit')}
          </Button>
          <Button onClick={reset}>{t('common.cancel')}</Button>
        </div>
      </form>
    );
  }
  return (
    <form
      className="form create-token"
      aria-label={t('apiTokens.new')}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (name.trim()) create.mutate(body());
      }}
    >
      {create.isError ? <ErrorMessage error={create.error} /> : null}
      <TextField
        label={t('apiTokens.name')}
        hint={t('apiTokens.nameHint')}
        required
        autoFocus
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <SelectField
        label={t('apiTokens.expiry')}
        value={expiry}
        onChange={(e) => setExpiry(e.target.value as Expiry)}
        options={EXPIRIES.map((value) => ({ value, label: t(`apiTokens.expiries.${value}`) }))}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={create.isPending}>
          {t('apiTokens.create')}
        </Button>
        <Button onClick={reset}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
