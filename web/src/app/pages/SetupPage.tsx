import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { SetupForm } from '../../features/auth/components/SetupForm';

export function SetupPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (
    <AuthCard title={t('setup.title')} description={t('setup.description')}>
      <SetupForm token={params.get('token') ?? ''} onDone={() => navigate('/users', { replace: true })} />
    </AuthCard>
  );
}
