import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { Loading } from '../../../components/Spinner';
import { TextField } from '../../../components/TextField';
import { isApiError } from '../../../lib/api';
import { roleLabel } from '../../../lib/format';
import { checkPassword } from '../../../lib/password-policy';
import { useAcceptInvitation, useInvitationLookup } from '../api';

/** The page an invitation link opens: who invited you to what, then your name and a password. */
export function AcceptInvitationForm({ token, onAccepted }: { token: string; onAccepted(): void }) {
  const { t } = useTranslation();
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
          <Notice tone="warning" title={t('invitations.accept.invalidTitle')}>
            <p>{t('invitations.accept.invalidBody')}</p>
          </Notice>
        ) : (
          <ErrorMessage error={lookup.error} onRetry={() => void lookup.refetch()} />
        )}
        <Link to="/sign-in" className="btn btn-secondary btn-block">
          {t('resetPassword.goSignIn')}
        </Link>
      </div>
    );
  }
  if (lookup.isPending) return <Loading label={t('invitations.accept.checking')} />;

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
          {/* Names go in as elements, never into the markup Trans parses. */}
          <Trans
            i18nKey={`invitations.accept.summary_${preview.role}`}
            components={{
              inviter: <strong>{preview.inviter}</strong>,
              organization: <strong>{preview.organization}</strong>,
              role: <strong>{roleLabel(preview.role)}</strong>,
            }}
          />
        </p>
      </div>
      {accept.isError ? <ErrorMessage error={accept.error} /> : null}
      <TextField
        label={t('signIn.email')}
        type="email"
        value={preview.email}
        readOnly
        autoComplete="username"
      />
      <TextField
        label={t('setup.name')}
        name="name"
        autoComplete="name"
        required
        autoFocus
        maxLength={200}
        value={displayName}
        onChange={(e) => setName(e.target.value)}
      />
      <PasswordField
        label={t('invitations.accept.password')}
        name="new-password"
        autoComplete="new-password"
        required
        value={password}
        onChange={setPassword}
        policy={policy}
        error={tried && !check.ok ? t('password.notMet') : undefined}
      />
      <Button type="submit" variant="primary" className="btn-block" loading={accept.isPending}>
        {t('invitations.accept.submit')}
      </Button>
    </form>
  );
}
