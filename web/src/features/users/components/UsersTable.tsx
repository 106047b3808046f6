import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Avatar } from '../../../components/Avatar';
import { Table, SortHeader, type SortDirection } from '../../../components/Table';
import type { User } from '../../../lib/api';
import { formatDateTime, formatRelative, roleLabel } from '../../../lib/format';
import type { UsersQuery } from '../api';
import { UserActions } from './UserActions';
import { UserStatusBadge } from './UserStatusBadge';

export type SortKey = NonNullable<UsersQuery['sort']>;

/** The Manage users table: sortable headers (aria-sort), one ⋮ menu per row. */
export function UsersTable({
  users,
  sort,
  order,
  onSort,
  currentUserId,
}: {
  users: User[];
  sort: SortKey;
  order: 'asc' | 'desc';
  onSort(key: SortKey): void;
  currentUserId: string | undefined;
}) {
  const { t } = useTranslation();
  const direction = (key: SortKey): SortDirection =>
    sort === key ? (order === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <Table label={t('users.table')} caption={t('users.table')}>
      <thead>
        <tr>
          <SortHeader label={t('users.name')} direction={direction('name')} onSort={() => onSort('name')} />
          <SortHeader
            label={t('users.email')}
            direction={direction('email')}
            onSort={() => onSort('email')}
            className="col-optional"
          />
          <th scope="col" className="col-optional">
            {t('users.role')}
          </th>
          <th scope="col" className="col-shrink">
            {t('users.status.label')}
          </th>
          <SortHeader
            label={t('users.lastSignIn')}
            direction={direction('lastSignInAt')}
            onSort={() => onSort('lastSignInAt')}
            className="col-optional"
          />
          <th scope="col" className="col-actions">
            <span className="visually-hidden">{t('users.actionsColumn')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id} data-status={user.status}>
            <td>
              <div className="user-cell">
                <Avatar name={user.name} email={user.email} size="sm" />
                <div className="user-cell-text">
                  <span className="user-name">
                    <Link to={`/users/${user.id}`} className="row-link">
                      {user.name}
                    </Link>
                    {user.id === currentUserId ? <span className="muted"> {t('users.you')}</span> : null}
                  </span>
                  <span className="user-email-inline">
                    {roleLabel(user.role)} · {user.email}
                  </span>
                </div>
              </div>
            </td>
            <td className="col-optional">{user.email}</td>
            <td className="col-optional">{roleLabel(user.role)}</td>
            <td className="col-shrink">
              <UserStatusBadge user={user} />
            </td>
            <td className="col-optional">
              {user.lastSignInAt ? (
                <time dateTime={user.lastSignInAt} title={formatDateTime(user.lastSignInAt)}>
                  {formatRelative(user.lastSignInAt)}
                </time>
              ) : (
                <span className="muted">{t('time.never')}</span>
              )}
            </td>
            <td className="col-actions">
              <UserActions user={user} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
