import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Avatar } from '../../../components/Avatar';
import { Badge } from '../../../components/Badge';
import { SortHeader, Table, type SortDirection } from '../../../components/Table';
import { formatDateTime, formatRelative, roleLabel } from '../../../lib/format';
import { personId, type Person, type PersonInvitation, type PeopleQuery } from '../api/people';
import { TwoStepIcon } from './TwoStepIcon';
import { UserActions } from './UserActions';
import { UserStatusBadge } from './UserStatusBadge';
import './people.css';

export type PeopleSortKey = NonNullable<PeopleQuery['sort']>;

function When({ at }: { at: string | null }) {
  const { t } = useTranslation();
  return at ? (
    <time dateTime={at} title={formatDateTime(at)}>
      {formatRelative(at)}
    </time>
  ) : (
    <span className="muted">{t('time.never')}</span>
  );
}

/**
 * Manage users' table: users and invited people in one list (issue 14 item 6), sortable headers
 * (aria-sort), a checkbox per row and one for the page, the two-step icon, one ⋮ menu per row.
 * An invitation's menu belongs to the invitations feature: the page passes it in.
 */
export function PeopleTable({
  people,
  sort,
  order,
  onSort,
  currentUserId,
  selected,
  onSelect,
  onSelectPage,
  invitationActions,
}: {
  people: Person[];
  sort: PeopleSortKey;
  order: 'asc' | 'desc';
  onSort(key: PeopleSortKey): void;
  currentUserId: string | undefined;
  selected: ReadonlySet<string>;
  onSelect(person: Person, on: boolean): void;
  onSelectPage(on: boolean): void;
  invitationActions(invitation: PersonInvitation): ReactNode;
}) {
  const { t } = useTranslation();
  const direction = (key: PeopleSortKey): SortDirection =>
    sort === key ? (order === 'asc' ? 'ascending' : 'descending') : 'none';
  const onPage = people.filter((p) => selected.has(personId(p))).length;
  const all = people.length > 0 && onPage === people.length;
  return (
    <Table label={t('users.table')} caption={t('users.table')}>
      <thead>
        <tr>
          <th scope="col" className="col-select">
            <input
              type="checkbox"
              aria-label={t('userlist.selectPage')}
              checked={all}
              ref={(box) => {
                if (box) box.indeterminate = onPage > 0 && !all;
              }}
              onChange={(e) => onSelectPage(e.target.checked)}
            />
          </th>
          <SortHeader
            label={t('users.name')}
            direction={direction('name')}
            onSort={() => onSort('name')}
            className="col-name"
          />
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
          <th scope="col" className="col-shrink col-two-step">
            {t('userlist.twoStep.column')}
          </th>
          <SortHeader
            label={t('users.lastSignIn')}
            direction={direction('lastSignInAt')}
            onSort={() => onSort('lastSignInAt')}
            className="col-optional"
          />
          <SortHeader
            label={t('userlist.added')}
            direction={direction('createdAt')}
            onSort={() => onSort('createdAt')}
            className="col-optional"
          />
          <th scope="col" className="col-actions">
            <span className="visually-hidden">{t('users.actionsColumn')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {people.map((person) => {
          const id = personId(person);
          if (person.kind === 'user') {
            const user = person.user;
            return (
              <tr key={id} data-status={user.status} data-kind="user">
                <td className="col-select">
                  <input
                    type="checkbox"
                    aria-label={t('userlist.select', { name: user.name })}
                    checked={selected.has(id)}
                    onChange={(e) => onSelect(person, e.target.checked)}
                  />
                </td>
                <td className="col-name">
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
                  <span className="status-cell">
                    <UserStatusBadge user={user} />
                    {/* Narrow screens: the two-step column folds into the status cell. */}
                    <span className="two-step-inline">
                      <TwoStepIcon enabled={user.mfa.enabled} />
                    </span>
                  </span>
                </td>
                <td className="col-shrink col-two-step">
                  <TwoStepIcon enabled={user.mfa.enabled} />
                </td>
                <td className="col-optional">
                  <When at={user.lastSignInAt} />
                </td>
                <td className="col-optional">
                  <When at={user.createdAt} />
                </td>
                <td className="col-actions">
                  <UserActions user={user} currentUserId={currentUserId} />
                </td>
              </tr>
            );
          }
          const invitation = person.invitation;
          const label = invitation.name ?? invitation.email;
          return (
            <tr key={id} data-kind="invitation">
              <td className="col-select">
                <input
                  type="checkbox"
                  aria-label={t('userlist.select', { name: label })}
                  checked={selected.has(id)}
                  onChange={(e) => onSelect(person, e.target.checked)}
                />
              </td>
              <td className="col-name">
                <div className="user-cell">
                  <Avatar name={label} email={invitation.email} size="sm" />
                  <div className="user-cell-text">
                    <span className="user-name">{label}</span>
                    <span className="user-email-inline">
                      {roleLabel(invitation.role)} · {invitation.email}
                    </span>
                  </div>
                </div>
              </td>
              <td className="col-optional">{invitation.email}</td>
              <td className="col-optional">{roleLabel(invitation.role)}</td>
              <td className="col-shrink">
                <span title={t('userlist.invitedBy', { name: invitation.inviter.name })}>
                  <Badge tone="info">{t('userlist.invitedBadge')}</Badge>
                </span>
              </td>
              <td className="col-shrink col-two-step" />
              <td className="col-optional">
                <span className="muted">{t('time.never')}</span>
              </td>
              <td className="col-optional">
                <When at={invitation.createdAt} />
              </td>
              <td className="col-actions">{invitationActions(invitation)}</td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
