import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/Badge';
import type { User } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';

export function UserStatusBadge({ user }: { user: User }) {
  const { t } = useTranslation();
  if (user.status === 'deactivated') return <Badge tone="neutral">{t('users.statusDeactivated')}</Badge>;
  return (
    <span className="badge-group">
      <Badge tone="success">{t('users.statusActive')}</Badge>
      {user.lockedUntil ? (
        <Badge tone="danger">{t('lock.badge', { until: formatDateTime(user.lockedUntil) })}</Badge>
      ) : null}
      {user.passwordChangeRequired ? (
        <span className="hide-narrow">
          <Badge tone="warning">{t('users.temporaryPassword')}</Badge>
        </span>
      ) : null}
    </span>
  );
}
