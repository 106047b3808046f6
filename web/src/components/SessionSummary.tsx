import { useTranslation } from 'react-i18next';
import { describeDevice, formatDateTime, formatRelative } from '../lib/format';
import { Badge } from './Badge';

export interface SessionRow {
  userAgent: string | null;
  ip: string | null;
  current: boolean;
  lastSeenAt: string;
  createdAt: string;
}

/** One session as both session lists show it: device (this one marked), IP, last active, signed in. */
export function SessionSummary({ session: s }: { session: SessionRow }) {
  const { t } = useTranslation();
  return (
    <div>
      <p className="session-device">
        {describeDevice(s.userAgent)}{' '}
        {s.current ? <Badge tone="accent">{t('sessions.thisDevice')}</Badge> : null}
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
  );
}
