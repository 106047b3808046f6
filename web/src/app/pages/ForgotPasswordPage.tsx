import { useTranslation } from 'react-i18next';
import { AuthCard } from '../../components/AuthCard';
import { ForgotPasswordForm } from '../../features/auth/components/ForgotPasswordForm';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('forgotPassword.title')} description={t('forgotPassword.description')}>
      <ForgotPasswordForm />
    </AuthCard>
  );
}
