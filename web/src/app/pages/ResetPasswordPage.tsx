import { useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { ResetPasswordForm } from '../../features/auth/components/ResetPasswordForm';
import { setSignInNotice } from '../../lib/session';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (
    <AuthCard title="Choose a new password" description="Choose a password you don’t use anywhere else.">
      <ResetPasswordForm
        token={params.get('token') ?? ''}
        onDone={() => {
          setSignInNotice('Your password has been changed. Sign in with your new password.');
          navigate('/sign-in', { replace: true });
        }}
      />
    </AuthCard>
  );
}
