import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { AuthCard } from '../../components/AuthCard';
import { Button } from '../../components/Button';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Spinner';
import { useAnswerConsent, useConsentRequest } from '../../features/oidc/api';

const KNOWN_SCOPES = ['openid', 'profile', 'email', 'roles', 'offline_access'] as const;
type KnownScope = (typeof KNOWN_SCOPES)[number];
const isKnown = (scope: string): scope is KnownScope => (KNOWN_SCOPES as readonly string[]).includes(scope);

/** A third-party app asks to sign the user in (issue 12): what it will see, Allow or Deny. */
export function ConsentPage() {
  const { t } = useTranslation();
  const { uid = '' } = useParams();
  const request = useConsentRequest(uid);
  const answer = useAnswerConsent(uid);

  if (request.isPending)
    return (
      <AuthCard title={t('oidc.consent.title', { app: '…' })}>
        <Loading />
      </AuthCard>
    );
  if (request.isError)
    return (
      <AuthCard title={t('oidc.consent.title', { app: '…' })}>
        <ErrorMessage error={request.error} />
      </AuthCard>
    );
  const { app, user, scopes } = request.data;
  return (
    <AuthCard
      title={t('oidc.consent.title', { app: app.name })}
      description={<p>{t('oidc.consent.description', { app: app.name, email: user.email })}</p>}
    >
      <p>{t('oidc.consent.scopesIntro')}</p>
      <ul>
        {scopes.filter(isKnown).map((scope) => (
          <li key={scope}>{t(`oidc.consent.scopes.${scope}`)}</li>
        ))}
      </ul>
      {answer.isError ? <ErrorMessage error={answer.error} /> : null}
      {answer.isSuccess ? <p role="status">{t('oidc.consent.leaving', { app: app.name })}</p> : null}
      <div className="form-actions">
        <Button variant="secondary" disabled={answer.isPending} onClick={() => answer.mutate(false)}>
          {t('oidc.consent.deny')}
        </Button>
        <Button variant="primary" loading={answer.isPending} onClick={() => answer.mutate(true)}>
          {t('oidc.consent.allow')}
        </Button>
      </div>
    </AuthCard>
  );
}
