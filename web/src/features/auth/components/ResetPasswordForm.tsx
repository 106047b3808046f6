import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { Loading } from '../../../components/Spinner';
import { checkPassword } from '../../../lib/password-policy';
import { useResetLinkStatus, useResetPassword } from '../api';

/** The page a reset link opens: checks the link first (without using it up), then sets the new password. */
export function ResetPasswordForm({ token, onDone }: { token: string; onDone(): void }) {
  const status = useResetLinkStatus(token);
  const reset = useResetPassword();
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);

  if (!token || status.isError) {
    const invalid = !token || (status.error as { code?: string } | null)?.code === 'invalid_token';
    return (
      <div className="form">
        {invalid ? (
          <Notice tone="warning" title="This link can’t be used">
            <p>It is invalid, has expired, or was already used. Reset links work once, for a limited time.</p>
          </Notice>
        ) : (
          <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />
        )}
        <Link to="/forgot-password" className="btn btn-primary btn-block">
          Request a new link
        </Link>
      </div>
    );
  }
  if (status.isPending) return <Loading label="Checking your link…" />;

  const policy = { minLength: status.data.minPasswordLength, maxLength: 256 };
  const check = checkPassword(password, policy);

  if (reset.isSuccess) {
    return (
      <div className="form">
        <Notice tone="success" title="Your password has been changed">
          <p>You were signed out everywhere. Sign in with your new password.</p>
        </Notice>
        <Button variant="primary" className="btn-block" onClick={onDone}>
          Go to sign in
        </Button>
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!check.ok) return;
    reset.mutate({ token, newPassword: password });
  };

  return (
    <form className="form" onSubmit={submit}>
      {reset.isError ? <ErrorMessage error={reset.error} /> : null}
      <PasswordField
        label="New password"
        name="new-password"
        autoComplete="new-password"
        autoFocus
        required
        value={password}
        onChange={setPassword}
        policy={policy}
        error={tried && !check.ok ? 'This password does not meet the requirements yet.' : undefined}
      />
      <Button type="submit" variant="primary" className="btn-block" loading={reset.isPending}>
        Set new password
      </Button>
    </form>
  );
}
