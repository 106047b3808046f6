import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import { Badge } from '../../components/Badge';
import { Card, PageHeader } from '../../components/Page';
import { useToast } from '../../components/Toast';
import { ChangePasswordForm } from '../../features/auth/components/ChangePasswordForm';
import { InviteUsersButton } from '../../features/invitations/components/InviteUsersDialog';
import { useForgetMyTokens } from '../../features/account/api';
import { ChangeEmailForm } from '../../features/account/components/ChangeEmailForm';
import { LanguageForm } from '../../features/account/components/LanguageForm';
import { MyTokensList } from '../../features/account/components/MyTokensList';
import { CreateTokenForm } from '../../features/account/components/CreateTokenForm';
import { ConnectedAppsCard } from '../../features/apps/components/ConnectedAppsCard';
import { SessionsList } from '../../features/account/components/SessionsList';
import { TwoStepCard } from '../../features/account/components/TwoStepCard';
import { roleLabel } from '../../lib/format';
import { meQueryKey, setSignInNotice, SIGNED_OUT } from '../../lib/session';
import { useCurrentUser } from '../current-user';

export function AccountPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const toast = useToast();
  const queryClient = useQueryClient();
  const forgetTokens = useForgetMyTokens();
  return (
    <>
      <PageHeader
        title={t('account.title')}
        // Admins invite from Manage users; a member may invite here while the organization allows it.
        actions={me.canInvite && me.user.role !== 'admin' ? <InviteUsersButton /> : null}
      />
      <div className="stack">
        <Card title={t('account.profile')}>
          <div className="profile-summary">
            <Avatar name={me.user.name} email={me.user.email} />
            <div>
              <p className="profile-summary-name">{me.user.name}</p>
              <p className="muted">{me.user.email}</p>
            </div>
            <Badge tone="accent">{roleLabel(me.user.role)}</Badge>
          </div>
        </Card>
        <Card title={t('account.email.title')} description={t('account.email.description')}>
          <ChangeEmailForm currentEmail={me.user.email} />
        </Card>
        <Card title={t('account.changePassword')} description={t('account.changePasswordDescription')}>
          <ChangePasswordForm
            me={me}
            onChanged={() => {
              // The server revoked every API token with the change: show it at once.
              void forgetTokens();
              toast(t('account.passwordChanged'));
            }}
          />
        </Card>
        <Card title={t('mfa.title')} description={t('mfa.description')}>
          <TwoStepCard email={me.user.email} />
        </Card>
        <Card title={t('account.sessions')} description={t('account.sessionsDescription')}>
          <SessionsList
            onCurrentEnded={() => {
              setSignInNotice(SIGNED_OUT);
              queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
              queryClient.setQueryData(meQueryKey, null);
            }}
          />
        </Card>
        <Card title={t('account.tokens')} description={t('account.tokensDescription')}>
          <MyTokensList />
          <CreateTokenForm />
        </Card>
        <ConnectedAppsCard />
        <Card title={t('account.preferences')}>
          <LanguageForm me={me} />
        </Card>
      </div>
    </>
  );
}
