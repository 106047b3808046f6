import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { Loading } from '../../../components/Spinner';
import { TextField } from '../../../components/TextField';
import { isApiError } from '../../../lib/api';
import { ROLE_LABELS } from '../../../lib/format';
import { checkPassword } from '../../../lib/password-policy';
import { useAcceptInvitation, useInvitationLookup } from '../api';

/** The page an invitation link opens: who invited you to what, then your name and a password. */
export function AcceptInvitationForm({ token, onAccepted }: { token: string; onAccepted(): void }) {
  const lookup = useInvitationLookup(token);
  const accept = useAcceptInvitation();
  const [name, setName] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);

  if (!token || lookup.isError) {
    const invalid = !token || (isApiError(lookup.error) && lookup.error.code === 'invalid_token');
    return (
      <div className="form">
        {invalid ? (
          <Notice tone="warning" title="This invitation can’t be used">
            <p>
              The link is invalid, has expired, or was already used. Ask the person who invited you to send a
              new invitation.
            </p>
          </Notice>
        ) : (
          <ErrorMessage error={lookup.error} onRetry={() => void lookup.refetch()} />
        )}
        <Link to="/sign-in" className="btn btn-secondary btn-block">
          Go to sign in
        </Link>
      </div>
    );
  }
  if (lookup.isPending) return <Loading label="Checking your invitation…" />;

  const preview = lookup.data;
  const displayName = name ?? preview.name ?? '';
  const policy = {
    minLength: preview.minPasswordLength,
    maxLength: 256,
    context: { email: preview.email, name: displayName, organizationName: preview.organization },
  };
  const check = checkPassword(password, policy);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!check.ok || !displayName.trim()) return;
    accept.mutate({ token, name: displayName.trim(), password }, { onSuccess: onAccepted });
  };

  return (
    <form className="form" onSubmit={submit}>
      <div className="invitation-summary">
        <p>
          <strong>{preview.inviter}</strong> invited you to join <strong>{preview.organization}</strong> as{' '}
          {preview.role === 'admin' ? 'an' : 'a'} <strong>{ROLE_LABELS[preview.role]}</strong>.
        </p>
      </div>
      {accept.isError ? <ErrorMessage error={accept.error} /> : null}
      <TextField label="Email" type="email" value={preview.email} readOnly autoComplete="username" />
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        required
        autoFocus
        maxLength={200}
        value={displayName}
        onChange={(e) => setName(e.target.value)}
      />
      <PasswordField
        label="Choose a password"
        name="new-password"
        autoComplete="new-password"
        required
        value={password}
        onChange={setPassword}
        policy={policy}
        error={tried && !check.ok ? 'This password does not meet the requirements yet.' : undefined}
      />
      <Button type="submit" variant="primary" className="btn-block" loading={accept.isPending}>
        Accept invitation
      </Button>
    </form>
  );
}
