import { useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { SetupForm } from '../../features/auth/components/SetupForm';

export function SetupPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (
    <AuthCard
      title="Set up Gatehouse"
      description="Create the first admin account. This link works only once."
    >
      <SetupForm token={params.get('token') ?? ''} onDone={() => navigate('/users', { replace: true })} />
    </AuthCard>
  );
}
