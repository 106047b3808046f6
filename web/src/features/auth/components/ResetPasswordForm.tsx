import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { Loading } from '../../../components/Spinner';
import { checkPassword, contextWords, type PasswordPolicy } from '../../../lib/password-policy';
import { scoreBeforeSubmit, usePasswordScore } from '../../../lib/password-strength';
import { useResetLinkStatus, useResetPassword } from '../api';

/**
 * The page a reset link opens: checks the link first (without using it up) and says whose account it
 * is, then sets the new password, checked against that user's own words before it is sent.
 */
export function ResetPasswordForm({ token, onDone }: { token: string; onDone(): void }) {
  const { t } = useTranslation();
  const status = useResetLinkStatus(token);
  const reset = useResetPassword();
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const policy: PasswordPolicy | null = status.data
    ? {
        minLength: status.data.minPasswordLength,
        maxLength: 256,
        context: { words: status.data.contextWords },
      }
    : null;
  const score = usePasswordScore(password, policy ? contextWords(policy.context) : [], policy !== null);

  if (!token || status.isError) {
    const invalid = !token || (status.error as { code?: string } | null)?.code === 'invalid_token';
    return (
      <div className="form">
        {invalid ? (
          <Notice tone="warning" title={t('resetPassword.invalidTitle')}>
            <p>{t('resetPassword.invalidBody')}</p>
          </Notice>
        ) : (
          <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />
        )}
        <Link to="/forgot-password" className="btn btn-primary btn-block">
          {t('resetPassword.requestNew')}
        </Link>
      </div>
    );
  }
  if (status.isPending || !policy) return <Loading label={t('resetPassword.checking')} />;

  const check = checkPassword(password, policy, score);

  if (reset.isSuccess) {
    return (
      <div className="form">
        <Notice tone="success" title={t('resetPassword.doneTitle')}>
          <p>{t('resetPassword.doneBody')}</p>
        </Notice>
        <Button variant="primary" className="btn-block" onClick={onDone}>
          {t('resetPassword.goSignIn')}
        </Button>
      </div>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const words = contextWords(policy.context);
    if (!checkPassword(password, policy, await scoreBeforeSubmit(password, words)).ok) return;
    reset.mutate({ token, newPassword: password });
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <p className="reset-account" data-testid="reset-account">
        <Trans
          i18nKey="passwordMeter.forAccount"
          values={{ name: status.data.account.name, email: status.data.account.maskedEmail }}
          components={{ strong: <strong /> }}
        />
      </p>
      {reset.isError ? <ErrorMessage error={reset.error} /> : null}
      <PasswordField
        label={t('changePassword.new')}
        name="new-password"
        autoComplete="new-password"
        autoFocus
        required
        value={password}
        onChange={setPassword}
        policy={policy}
        error={tried && !check.ok ? t('password.notMet') : undefined}
      />
      <Button type="submit" variant="primary" className="btn-block" loading={reset.isPending}>
        {t('changePassword.setNew')}
      </Button>
    </form>
  );
}
