import { Navigate, useNavigate } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { Button } from '../../components/Button';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useMe, useSignOut } from '../../features/auth/api';
import { ChangePasswordForm } from '../../features/auth/components/ChangePasswordForm';

/**
 * The forced change after a temporary password (SEC-TMP-01): the only page such a session can use.
 * Every console route sends it here until the password is changed.
 */
export function ChangePasswordPage() {
  const me = useMe();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const toast = useToast();

  if (me.isPending)
    return (
      <AuthCard title="Choose a new password">
        <Loading />
      </AuthCard>
    );
  if (me.isError) {
    return (
      <AuthCard title="Choose a new password">
        <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />
      </AuthCard>
    );
  }
  if (!me.data) return <Navigate to="/sign-in" replace />;
  if (!me.data.passwordChangeRequired) return <Navigate to="/" replace />;

  return (
    <AuthCard
      title="Choose a new password"
      description={
        <p>
          Your password was set by an admin and is only temporary. Choose your own password to continue,{' '}
          {me.data.user.name}.
        </p>
      }
      footer={
        <p>
          Signed in as {me.data.user.email}.{' '}
          <Button variant="ghost" size="sm" onClick={() => signOut.mutate()}>
            Sign out
          </Button>
        </p>
      }
    >
      <ChangePasswordForm
        me={me.data}
        forced
        onChanged={() => {
          toast('Your password has been changed.');
          navigate('/', { replace: true });
        }}
      />
    </AuthCard>
  );
}
