import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { Button } from '../../components/Button';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PasswordField } from '../../components/PasswordField';
import { Loading } from '../../components/Spinner';
import { useMe } from '../../features/auth/api';
import { useConfirmPassword } from '../../features/oidc/api';
import { interactionReturn, useLeaveTo } from '../../lib/return-path';

/**
 * An app asked for a fresh sign-in (`prompt=login`, or a sign-in older than its `max_age`; OIDC Core
 * 3.1.2.1): the password again, then back to the app's sign-in (`?return=/interaction/<uid>`), which
 * checks the new authentication time itself. Without a session, the ordinary sign-in page.
 */
export function ReauthenticatePage() {
  const { t } = useTranslation();
  const me = useMe();
  const back = interactionReturn(useLocation().search);
  const confirm = useConfirmPassword();
  const [password, setPassword] = useState('');
  useLeaveTo(back && confirm.isSuccess ? back : null);

  if (me.isPending)
    return (
      <AuthCard title={t('oidc.reauth.title')}>
        <Loading />
      </AuthCard>
    );
  if (!me.data || !back)
    return <Navigate to={back ? `/sign-in?return=${encodeURIComponent(back)}` : '/sign-in'} replace />;
  return (
    <AuthCard title={t('oidc.reauth.title')} description={<p>{t('oidc.reauth.description')}</p>}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          confirm.mutate(password, { onError: () => setPassword('') });
        }}
      >
        <p className="muted">{me.data.user.email}</p>
        {confirm.isError ? <ErrorMessage error={confirm.error} /> : null}
        {confirm.isSuccess ? <p role="status">{t('oidc.reauth.leaving')}</p> : null}
        <PasswordField
          label={t('oidc.reauth.password')}
          name="password"
          autoComplete="current-password"
          required
          autoFocus
          value={password}
          onChange={setPassword}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={confirm.isPending || confirm.isSuccess}>
            {t('oidc.reauth.submit')}
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
