import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { TextField } from '../../../components/TextField';
import { isApiError } from '../../../lib/api';
import { checkPassword, DEFAULT_POLICY } from '../../../lib/password-policy';
import { useSetup } from '../api';

/** First run: the one-time setup link creates the first admin, who is then signed in. */
export function SetupForm({ token, onDone }: { token: string; onDone(): void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const setup = useSetup();
  const policy = { ...DEFAULT_POLICY, context: { email, name } };
  const check = checkPassword(password, policy);

  if (!token || (isApiError(setup.error) && setup.error.code === 'not_found')) {
    return (
      <Notice tone="warning" title={t('setup.doneTitle')}>
        <p>{token ? t('setup.doneBody') : t('setup.noToken')}</p>
      </Notice>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!check.ok) return;
    setup.mutate({ token, email, name, password }, { onSuccess: onDone });
  };

  return (
    <form className="form" onSubmit={submit}>
      {setup.isError ? <ErrorMessage error={setup.error} /> : null}
      <TextField
        label={t('setup.name')}
        name="name"
        autoComplete="name"
        required
        autoFocus
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <TextField
        label={t('signIn.email')}
        type="email"
        name="email"
        autoComplete="username"
        autoCapitalize="off"
        spellCheck={false}
        required
        maxLength={254}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <PasswordField
        label={t('signIn.password')}
        name="new-password"
        autoComplete="new-password"
        required
        value={password}
        onChange={setPassword}
        policy={policy}
        error={tried && !check.ok ? t('password.notMet') : undefined}
      />
      <Button type="submit" variant="primary" className="btn-block" loading={setup.isPending}>
        {t('setup.submit')}
      </Button>
    </form>
  );
}
