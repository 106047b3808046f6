import { useQueryClient } from '@tanstack/react-query';
import { Avatar } from '../../components/Avatar';
import { Badge } from '../../components/Badge';
import { Card, PageHeader } from '../../components/Page';
import { useToast } from '../../components/Toast';
import { ChangePasswordForm } from '../../features/auth/components/ChangePasswordForm';
import { LanguageForm } from '../../features/account/components/LanguageForm';
import { SessionsList } from '../../features/account/components/SessionsList';
import { ROLE_LABELS } from '../../lib/format';
import { meQueryKey, setSignInNotice, SIGNED_OUT } from '../../lib/session';
import { useCurrentUser } from '../current-user';

export function AccountPage() {
  const me = useCurrentUser();
  const toast = useToast();
  const queryClient = useQueryClient();
  return (
    <>
      <PageHeader title="My account" />
      <div className="stack">
        <Card title="Profile">
          <div className="profile-summary">
            <Avatar name={me.user.name} email={me.user.email} />
            <div>
              <p className="profile-summary-name">{me.user.name}</p>
              <p className="muted">{me.user.email}</p>
            </div>
            <Badge tone="accent">{ROLE_LABELS[me.user.role]}</Badge>
          </div>
        </Card>
        <Card title="Change password" description="You stay signed in here; your other sessions end.">
          <ChangePasswordForm
            me={me}
            onChanged={() => toast('Password changed. Your other sessions were signed out.')}
          />
        </Card>
        <Card
          title="Sessions"
          description="Where you are signed in. Sign out any session you don’t recognise."
        >
          <SessionsList
            onCurrentEnded={() => {
              setSignInNotice(SIGNED_OUT);
              queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
              queryClient.setQueryData(meQueryKey, null);
            }}
          />
        </Card>
        <Card title="Preferences">
          <LanguageForm me={me} />
        </Card>
      </div>
    </>
  );
}
