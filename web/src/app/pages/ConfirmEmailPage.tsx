import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { ConfirmEmailForm } from '../../features/account/components/ConfirmEmailForm';

export function ConfirmEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  return (
    <AuthCard title={t('confirmEmail.title')} description={t('confirmEmail.description')}>
      <ConfirmEmailForm token={params.get('token') ?? ''} />
    </AuthCard>
  );
}
