import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { SessionSummary } from '../../../components/SessionSummary';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Spinner';
import { useToast } from '../../../components/Toast';
import { describeDevice, formatRelative } from '../../../lib/format';
import { useEndMySession, useMySessions } from '../api';

/** Your sessions: device, IP, last seen; sign any of them out. Ending this one signs you out here. */
export function SessionsList({ onCurrentEnded }: { onCurrentEnded(): void }) {
  const { t } = useTranslation();
  const sessions = useMySessions();
  const end = useEndMySession();
  const toast = useToast();

  if (sessions.isPending) return <Loading label={t('sessions.loading')} />;
  if (sessions.isError)
    return <ErrorMessage error={sessions.error} onRetry={() => void sessions.refetch()} />;
  if (sessions.data.items.length === 0) return <EmptyState title={t('sessions.empty')} />;

  return (
    <>
      {end.isError ? <ErrorMessage error={end.error} title={t('sessions.endFailed')} /> : null}
      <ul className="session-list">
        {sessions.data.items.map((s) => {
          const device = describeDevice(s.userAgent);
          return (
            <li key={s.id} className="session-item">
              <SessionSummary session={s} />
              <Button
                size="sm"
                loading={end.isPending && end.variables === s.id}
                aria-label={
                  s.current
                    ? t('sessions.signOutHere')
                    : t('sessions.signOutOther', { device, when: formatRelative(s.lastSeenAt) })
                }
                onClick={() =>
                  end.mutate(s.id, {
                    onSuccess: () => {
                      if (s.current) onCurrentEnded();
                      else toast(t('sessions.signedOut', { device }));
                    },
                  })
                }
              >
                {t('sessions.signOut')}
              </Button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
