import { Badge } from '../../../components/Badge';
import type { User } from '../../../lib/api';

export function UserStatusBadge({ user }: { user: User }) {
  if (user.status === 'deactivated') return <Badge tone="neutral">Deactivated</Badge>;
  return (
    <span className="badge-group">
      <Badge tone="success">Active</Badge>
      {user.passwordChangeRequired ? (
        <span className="hide-narrow">
          <Badge tone="warning">Temporary password</Badge>
        </span>
      ) : null}
    </span>
  );
}
