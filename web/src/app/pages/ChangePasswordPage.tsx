import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { Button } from '../../components/Button';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useMe, useSignOut } from '../../features/auth/api';
import { ChangePasswordForm } from '../../features/auth/components/ChangePasswordForm';
import { interactionReturn, useLeaveTo } from '../../lib/return-path';

/**
 * The forced change after a temporary password (SEC-TMP-01): the only page such a session can use.
 * Every console route sends it here until the password is changed.
 */
export function ChangePasswordPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const toast = useToast();
  // Signing in to an app (issue 12): its sign-in continues once the password is the user's own.
  const back = interactionReturn(useLocation().search);
  useLeaveTo(back && me.data && !me.data.passwordChangeRequired ? back : null);

  if (me.isPending)
    return (
      <AuthCard title={t('forcedChange.title')}>
        <Loading />
      </AuthCard>
    );
  if (me.isError) {
    return (
      <AuthCard title={t('forcedChange.title')}>
        <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />
      </AuthCard>
    );
  }
  if (!me.data)
    return <Navigate to={back ? `/sign-in?return=${encodeURIComponent(back)}` : '/sign-in'} replace />;
  if (!me.data.passwordChangeRequired) return back ? <Loading /> : <Navigate to="/" replace />;

  return (
    <AuthCard
      title={t('forcedChange.title')}
      description={<p>{t('forcedChange.description', { name: me.data.user.name })}</p>}
      footer={
        <p>
          {t('forcedChange.signedInAs', { email: me.data.user.email })}{' '}
          <Button variant="ghost" size="sm" onClick={() => signOut.mutate()}>
            {t('nav.signOut')}
          </Button>
        </p>
      }
    >
      <ChangePasswordForm
        me={me.data}
        forced
        onChanged={() => {
          toast(t('forcedChange.changed'));
          // With a way back to an app's sign-in, useLeaveTo leaves once `me` says the change is done:
          // one navigation only, since the interaction can be resumed once.
          if (!back) navigate('/', { replace: true });
        }}
      />
    </AuthCard>
  );
}
