import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { SessionSummary } from '../../../components/SessionSummary';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Spinner';
import { useToast } from '../../../components/Toast';
import type { User } from '../../../lib/api';
import { describeDevice, formatRelative } from '../../../lib/format';
import { useEndUserSession, useUserSessions } from '../api';

/** A user's sessions on their page (SEC-SES-07): device, IP, last active; end any one of them. */
export function UserSessionsList({ user }: { user: User }) {
  const { t } = useTranslation();
  const sessions = useUserSessions(user.id);
  const end = useEndUserSession(user.id);
  const toast = useToast();
  if (sessions.isPending) return <Loading label={t('sessions.loading')} />;
  if (sessions.isError)
    return <ErrorMessage error={sessions.error} onRetry={() => void sessions.refetch()} />;
  if (sessions.data.items.length === 0)
    return <EmptyState title={t('userPage.noSessions', { name: user.name })} />;
  return (
    <>
      {end.isError ? <ErrorMessage error={end.error} title={t('sessions.endFailed')} /> : null}
      <ul className="session-list" aria-label={t('userPage.sessionsList', { name: user.name })}>
        {sessions.data.items.map((s) => {
          const device = describeDevice(s.userAgent);
          return (
            <li key={s.id} className="session-item">
              <SessionSummary session={s} />
              <Button
                size="sm"
                loading={end.isPending && end.variables === s.id}
                aria-label={t('userPage.endSession', { device, when: formatRelative(s.lastSeenAt) })}
                onClick={() =>
                  end.mutate(s.id, { onSuccess: () => toast(t('userPage.sessionEnded', { device })) })
                }
              >
                {t('userPage.end')}
              </Button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
