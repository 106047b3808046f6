import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { startFreshSession } from '../../features/auth/api';
import { AcceptInvitationForm } from '../../features/invitations/components/AcceptInvitationForm';

export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <AuthCard title="Accept your invitation" description="Set your name and a password to join.">
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
