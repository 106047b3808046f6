import { useNavigate } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { Badge } from '../../components/Badge';
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from '../../components/Menu';
import { useSignOut } from '../../features/auth/api';
import type { Me } from '../../lib/api';
import { ROLE_LABELS } from '../../lib/format';

/** The initials button at the top right: who you are, where to go, Sign out. */
export function ProfileMenu({ me }: { me: Me }) {
  const navigate = useNavigate();
  const signOut = useSignOut();
  const isAdmin = me.user.role === 'admin';
  return (
    <Menu>
      <MenuTrigger className="profile-button" aria-label="Profile menu">
        <Avatar name={me.user.name} email={me.user.email} />
      </MenuTrigger>
      <MenuContent label="Profile menu">
        <MenuLabel>
          <span className="profile-name">{me.user.name}</span>
          <span className="profile-email">{me.user.email}</span>
          <Badge tone="accent">{ROLE_LABELS[me.user.role]}</Badge>
        </MenuLabel>
        <MenuSeparator />
        {isAdmin ? (
          <>
            <MenuItem onSelect={() => navigate('/users')}>Manage users</MenuItem>
            <MenuItem onSelect={() => navigate('/audit')}>Audit log</MenuItem>
            <MenuItem onSelect={() => navigate('/settings')}>Settings</MenuItem>
          </>
        ) : null}
        <MenuItem onSelect={() => navigate('/account')}>My account</MenuItem>
        <MenuSeparator />
        <MenuItem onSelect={() => signOut.mutate()}>Sign out</MenuItem>
      </MenuContent>
    </Menu>
  );
}
