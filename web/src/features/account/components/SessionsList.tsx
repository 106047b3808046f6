import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Spinner';
import { useToast } from '../../../components/Toast';
import { describeDevice, formatDateTime, formatRelative } from '../../../lib/format';
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
              <div>
                <p className="session-device">
                  {device} {s.current ? <Badge tone="accent">{t('sessions.thisDevice')}</Badge> : null}
                </p>
                <p className="session-meta">
                  {s.ip ? `${t('sessions.ip', { ip: s.ip })} · ` : ''}
                  {t('sessions.lastActive')}{' '}
                  <time dateTime={s.lastSeenAt} title={formatDateTime(s.lastSeenAt)}>
                    {formatRelative(s.lastSeenAt)}
                  </time>{' '}
                  · {t('sessions.signedIn', { when: formatDateTime(s.createdAt) })}
                </p>
              </div>
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
