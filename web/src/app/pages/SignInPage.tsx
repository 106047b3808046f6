import { useEffect, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { Loading } from '../../components/Spinner';
import { useMe } from '../../features/auth/api';
import { SignInForm } from '../../features/auth/components/SignInForm';
import { clearSignInNotice, peekSignInNotice } from '../../lib/session';

/** Safe redirect target after sign-in: a path inside the console, never another site. */
function safeFrom(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/sign-in'
    ? from
    : '/';
}

export function SignInPage() {
  const me = useMe();
  const location = useLocation();
  const [notice] = useState(() => peekSignInNotice());
  useEffect(() => () => clearSignInNotice(), []);

  if (me.data?.passwordChangeRequired) return <Navigate to="/change-password" replace />;
  if (me.data) return <Navigate to={safeFrom(location.state)} replace />;
  return (
    <AuthCard title="Sign in" description="Sign in to manage your organization’s users and your account.">
      {me.isPending ? <Loading /> : <SignInForm notice={notice} onSignedIn={() => undefined} />}
    </AuthCard>
  );
}
