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
  const sessions = useMySessions();
  const end = useEndMySession();
  const toast = useToast();

  if (sessions.isPending) return <Loading label="Loading your sessions…" />;
  if (sessions.isError)
    return <ErrorMessage error={sessions.error} onRetry={() => void sessions.refetch()} />;
  if (sessions.data.items.length === 0) return <EmptyState title="No active sessions" />;

  return (
    <>
      {end.isError ? <ErrorMessage error={end.error} title="The session was not ended" /> : null}
      <ul className="session-list">
        {sessions.data.items.map((s) => {
          const device = describeDevice(s.userAgent);
          return (
            <li key={s.id} className="session-item">
              <div>
                <p className="session-device">
                  {device} {s.current ? <Badge tone="accent">This device</Badge> : null}
                </p>
                <p className="session-meta">
                  {s.ip ? `IP ${s.ip} · ` : ''}Last active{' '}
                  <time dateTime={s.lastSeenAt} title={formatDateTime(s.lastSeenAt)}>
                    {formatRelative(s.lastSeenAt)}
                  </time>{' '}
                  · Signed in {formatDateTime(s.createdAt)}
                </p>
              </div>
              <Button
                size="sm"
                loading={end.isPending && end.variables === s.id}
                aria-label={
                  s.current
                    ? 'Sign out on this device'
                    : `Sign out session on ${device}, last active ${formatRelative(s.lastSeenAt)}`
                }
                onClick={() =>
                  end.mutate(s.id, {
                    onSuccess: () => {
                      if (s.current) onCurrentEnded();
                      else toast(`Signed out ${device}.`);
                    },
                  })
                }
              >
                Sign out
              </Button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
