import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { startFreshSession } from '../../features/auth/api';
import { AcceptInvitationForm } from '../../features/invitations/components/AcceptInvitationForm';

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <AuthCard title={t('acceptInvitation.title')} description={t('acceptInvitation.description')}>
      <AcceptInvitationForm
        token={params.get('token') ?? ''}
        onAccepted={async () => {
          await startFreshSession(queryClient);
          navigate('/', { replace: true });
        }}
      />
    </AuthCard>
  );
}
