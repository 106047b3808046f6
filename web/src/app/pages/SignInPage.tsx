import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { Loading } from '../../components/Spinner';
import { TwoStepCard } from '../../features/account/components/TwoStepCard';
import { useFinishEnrollment, useMe } from '../../features/auth/api';
import { SignInForm } from '../../features/auth/components/SignInForm';
import { interactionReturn, useLeaveTo } from '../../lib/return-path';
import { clearSignInNotice, peekSignInNotice } from '../../lib/session';

/** Safe redirect target after sign-in: a path inside the console, never another site. */
function safeFrom(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/sign-in'
    ? from
    : '/';
}

export function SignInPage() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const [notice] = useState(() => peekSignInNotice());
  // The role requires two-step verification and the user has none yet: set it up first (SEC-MFA-08).
  const [enrolling, setEnrolling] = useState<string | null>(null);
  const finish = useFinishEnrollment();
  useEffect(() => () => clearSignInNotice(), []);
  // Signing in to an app (issue 12): back to its sign-in once signed in here.
  const back = interactionReturn(location.search);
  useLeaveTo(back && me.data && !me.data.passwordChangeRequired ? back : null);

  if (enrolling)
    return (
      <AuthCard title={t('mfa.title')} description={t('mfa.enrollRequired')}>
        <TwoStepCard email={enrolling} onEnrolled={() => void finish().then(() => setEnrolling(null))} />
      </AuthCard>
    );
  if (me.data?.passwordChangeRequired)
    return (
      <Navigate
        to={back ? `/change-password?return=${encodeURIComponent(back)}` : '/change-password'}
        replace
      />
    );
  if (me.data && back) return <Loading />;
  if (me.data) return <Navigate to={safeFrom(location.state)} replace />;
  return (
    <AuthCard title={t('signIn.title')} description={t('signIn.description')}>
      {me.isPending ? (
        <Loading />
      ) : (
        <SignInForm
          notice={notice ? t(notice) : null}
          onSignedIn={(result) => (result?.enroll ? setEnrolling(result.email) : undefined)}
        />
      )}
    </AuthCard>
  );
}
