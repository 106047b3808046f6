import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { Button } from '../../components/Button';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PasswordField } from '../../components/PasswordField';
import { Loading } from '../../components/Spinner';
import { TwoStepCard } from '../../features/account/components/TwoStepCard';
import { useEnrollmentLink, useFinishEnrollment, useRedeemEnrollment } from '../../features/auth/api';

/**
 * The link "Reset access" issues (issue 13): on any device, once. Scope factors asks for the current
 * password, scope all for a new one; then the two-step setup, required or offered.
 */
export function EnrollPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const link = useEnrollmentLink(token);
  const redeem = useRedeemEnrollment();
  const finish = useFinishEnrollment();
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    redeem.mutate({ token, password }, { onError: () => setPassword('') });
  };
  const done = async () => {
    await finish();
    navigate('/account', { replace: true });
  };
  return (
    <AuthCard title={t('mfa.enrollTitle')} description={t('mfa.enrollDescription')}>
      {link.isPending && token ? <Loading /> : null}
      {link.isError || !token ? (
        <ErrorMessage error={link.error ?? new Error('invalid_enrollment_link')} />
      ) : null}
      {link.data && !redeem.data ? (
        <form className="form" onSubmit={submit}>
          <p className="muted">{link.data.email}</p>
          {redeem.isError ? <ErrorMessage error={redeem.error} /> : null}
          <PasswordField
            label={link.data.scope === 'all' ? t('mfa.enrollNewPassword') : t('mfa.enrollPassword')}
            name="password"
            autoComplete={link.data.scope === 'all' ? 'new-password' : 'current-password'}
            required
            autoFocus
            value={password}
            onChange={setPassword}
          />
          <Button type="submit" variant="primary" className="btn-block" loading={redeem.isPending}>
            {t('mfa.enrollContinue')}
          </Button>
        </form>
      ) : null}
      {redeem.data ? <TwoStepCard email={redeem.data.user.email} onEnrolled={() => void done()} /> : null}
    </AuthCard>
  );
}
