import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { ResetPasswordForm } from '../../features/auth/components/ResetPasswordForm';
import { PASSWORD_RESET, setSignInNotice } from '../../lib/session';

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (
    <AuthCard title={t('resetPassword.title')} description={t('resetPassword.description')}>
      <ResetPasswordForm
        token={params.get('token') ?? ''}
        onDone={() => {
          setSignInNotice(PASSWORD_RESET);
          navigate('/sign-in', { replace: true });
        }}
      />
    </AuthCard>
  );
}
