import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { Badge } from '../../components/Badge';
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from '../../components/Menu';
import { useSignOut } from '../../features/auth/api';
import type { Me } from '../../lib/api';
import { roleLabel } from '../../lib/format';

/** The initials button at the top right: who you are, where to go, Sign out. */
export function ProfileMenu({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const isAdmin = me.user.role === 'admin';
  return (
    <Menu>
      <MenuTrigger className="profile-button" aria-label={t('profileMenu.label')}>
        <Avatar name={me.user.name} email={me.user.email} />
      </MenuTrigger>
      <MenuContent label={t('profileMenu.label')}>
        <MenuLabel>
          <span className="profile-name">{me.user.name}</span>
          <span className="profile-email">{me.user.email}</span>
          <Badge tone="accent">{roleLabel(me.user.role)}</Badge>
        </MenuLabel>
        <MenuSeparator />
        {isAdmin ? (
          <>
            <MenuItem onSelect={() => navigate('/users')}>{t('nav.manageUsers')}</MenuItem>
            <MenuItem onSelect={() => navigate('/audit')}>{t('nav.audit')}</MenuItem>
            <MenuItem onSelect={() => navigate('/settings')}>{t('nav.settings')}</MenuItem>
          </>
        ) : null}
        <MenuItem onSelect={() => navigate('/account')}>{t('nav.account')}</MenuItem>
        <MenuSeparator />
        <MenuItem onSelect={() => signOut.mutate()}>{t('nav.signOut')}</MenuItem>
      </MenuContent>
    </Menu>
  );
}
