import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { Loading } from '../../../components/Spinner';
import { TextField } from '../../../components/TextField';
import { isApiError } from '../../../lib/api';
import {
  checkPassword,
  contextWords,
  DEFAULT_POLICY,
  type PasswordPolicy,
} from '../../../lib/password-policy';
import { scoreBeforeSubmit, usePasswordScore } from '../../../lib/password-strength';
import { useSetup, useSetupStatus } from '../api';

/**
 * First run: the one-time setup link creates the first admin, who is then signed in. The link is
 * checked before the form shows: no link, a link that was never issued and a used one each say what
 * to do; the form checks the organization's live password policy.
 */
export function SetupForm({ token, onDone }: { token: string; onDone(): void }) {
  const { t } = useTranslation();
  const status = useSetupStatus(token);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const setup = useSetup();
  const policy: PasswordPolicy = {
    ...(status.data?.passwordPolicy ?? DEFAULT_POLICY),
    context: { email, name, organizationName: status.data?.organizationName },
  };
  const score = usePasswordScore(password, contextWords(policy.context), status.data?.link === 'valid');
  const check = checkPassword(password, policy, score);

  if (status.isPending) return <Loading label={t('firstRun.checking')} />;
  if (status.isError) return <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />;

  const { pending, link } = status.data;
  const usedNow = isApiError(setup.error) && setup.error.code === 'not_found';
  if (!pending || usedNow) {
    return (
      <div className="form">
        <Notice tone="warning" title={token ? t('firstRun.usedTitle') : t('setup.doneTitle')}>
          <p>{token ? t('firstRun.usedBody') : t('setup.doneBody')}</p>
        </Notice>
        <Link to="/sign-in" className="btn btn-primary btn-block">
          {t('firstRun.goSignIn')}
        </Link>
      </div>
    );
  }
  if (link !== 'valid') {
    return (
      <Notice
        tone={link === 'absent' ? 'info' : 'warning'}
        title={link === 'absent' ? t('firstRun.pendingTitle') : t('firstRun.invalidTitle')}
      >
        <p>{link === 'absent' ? t('firstRun.pendingBody') : t('firstRun.invalidBody')}</p>
        <p>{t('firstRun.pendingHint')}</p>
      </Notice>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const words = contextWords(policy.context);
    if (!checkPassword(password, policy, await scoreBeforeSubmit(password, words)).ok) return;
    setup.mutate({ token, email, name, password }, { onSuccess: onDone });
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
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
