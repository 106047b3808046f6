import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Card, PageHeader } from '../../components/Page';
import { Loading } from '../../components/Spinner';
import { TokenList } from '../../components/TokenList';
import { useToast } from '../../components/Toast';
import { useAuditEvents } from '../../features/audit/api';
import { AuditLog } from '../../features/audit/components/AuditLog';
import { useRevokeUserToken, useUser, useUserTokens } from '../../features/users/api';
import { UnlockDialog, UserActions } from '../../features/users/components/UserActions';
import { UserSessionsList } from '../../features/users/components/UserSessionsList';
import { UserStatusBadge } from '../../features/users/components/UserStatusBadge';
import type { User } from '../../lib/api';
import { isApiError } from '../../lib/api';
import { formatDateTime, formatRelative, roleLabel } from '../../lib/format';
import { useCurrentUser } from '../current-user';

const RECENT_EVENTS = 20;

/**
 * One user (issue 14): profile, role, status and lock state, sessions, API tokens and their recent
 * audit events, with every action of the list's ⋮ menu. Reached from a row of Manage users.
 */
export function UserPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser(id);
  if (user.isPending) return <Loading label={t('userPage.loading')} />;
  if (user.isError) {
    const gone = isApiError(user.error) && user.error.status === 404;
    return (
      <>
        <BackLink />
        {gone ? (
          <EmptyState title={t('userPage.notFound')}>
            <p>{t('userPage.notFoundHint')}</p>
          </EmptyState>
        ) : (
          <ErrorMessage error={user.error} onRetry={() => void user.refetch()} />
        )}
      </>
    );
  }
  return <UserDetails user={user.data} />;
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Link to="/users" className="back-link">
      ← {t('userPage.back')}
    </Link>
  );
}

function UserDetails({ user }: { user: User }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const [unlocking, setUnlocking] = useState(false);
  return (
    <>
      <BackLink />
      <PageHeader
        title={user.name}
        description={user.email}
        actions={
          <UserActions
            user={user}
            currentUserId={me.user.id}
            label={t('userPage.actions')}
            onDeleted={() => void navigate('/users', { replace: true })}
          />
        }
      />
      <div className="stack">
        <Card title={t('userPage.profile')}>
          <div className="profile-summary">
            <Avatar name={user.name} email={user.email} />
            <dl className="facts">
              <dt>{t('users.name')}</dt>
              <dd>
                {user.name}
                {user.id === me.user.id ? <span className="muted">{t('users.you')}</span> : null}
              </dd>
              <dt>{t('users.email')}</dt>
              <dd>
                {user.email}
                {user.emailVerified ? (
                  <Badge tone="success">{t('userPage.verified')}</Badge>
                ) : (
                  <Badge tone="neutral">{t('userPage.unverified')}</Badge>
                )}
              </dd>
              <dt>{t('users.role')}</dt>
              <dd>{roleLabel(user.role)}</dd>
              <dt>{t('users.status.label')}</dt>
              <dd>
                <UserStatusBadge user={user} />
              </dd>
              <dt>{t('userPage.created')}</dt>
              <dd>{formatDateTime(user.createdAt)}</dd>
              <dt>{t('users.lastSignIn')}</dt>
              <dd>{user.lastSignInAt ? formatRelative(user.lastSignInAt) : t('time.never')}</dd>
            </dl>
          </div>
        </Card>
        <Card title={t('userPage.lockTitle')}>
          <div className="lock-state">
            <p>
              {user.lockedUntil
                ? t('userPage.lockedUntil', { until: formatDateTime(user.lockedUntil) })
                : t('userPage.notLocked')}
            </p>
            {user.lockedUntil ? <Button onClick={() => setUnlocking(true)}>{t('lock.unlock')}</Button> : null}
          </div>
          {unlocking ? <UnlockDialog user={user} onOpenChange={setUnlocking} /> : null}
        </Card>
        <Card title={t('userPage.sessions')} description={t('userPage.sessionsDescription')}>
          <UserSessionsList user={user} />
        </Card>
        <Card title={t('userPage.tokens')}>
          <UserTokens user={user} />
        </Card>
        <Card title={t('userPage.activity')} description={t('userPage.activityDescription')}>
          <UserActivity user={user} />
        </Card>
      </div>
    </>
  );
}

function UserTokens({ user }: { user: User }) {
  const { t } = useTranslation();
  const tokens = useUserTokens(user.id);
  const revoke = useRevokeUserToken(user.id);
  const toast = useToast();
  if (tokens.isPending) return <Loading label={t('tokens.loadingUser')} />;
  if (tokens.isError) return <ErrorMessage error={tokens.error} onRetry={() => void tokens.refetch()} />;
  return (
    <>
      {revoke.isError ? <ErrorMessage error={revoke.error} title={t('tokens.revokeFailed')} /> : null}
      <TokenList
        tokens={tokens.data.items}
        emptyTitle={t('tokens.emptyUser', { name: user.name })}
        revoking={revoke.isPending ? (revoke.variables ?? null) : null}
        onRevoke={(token) =>
          revoke.mutate(token.id, { onSuccess: () => toast(t('tokens.revoked', { name: token.name })) })
        }
      />
    </>
  );
}

function UserActivity({ user }: { user: User }) {
  const { t } = useTranslation();
  const events = useAuditEvents({ target: user.id, limit: RECENT_EVENTS });
  if (events.isPending) return <Loading label={t('userPage.activityLoading')} />;
  if (events.isError) return <ErrorMessage error={events.error} onRetry={() => void events.refetch()} />;
  if (events.data.items.length === 0) return <EmptyState title={t('userPage.noActivity')} />;
  return <AuditLog events={events.data.items} />;
}
