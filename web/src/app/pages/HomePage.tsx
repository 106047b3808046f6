import { Navigate } from 'react-router';
import { useCurrentUser } from '../current-user';

/** `/`: admins land on Manage users, everyone else on their account. */
export function HomePage() {
  const me = useCurrentUser();
  return <Navigate to={me.user.role === 'admin' ? '/users' : '/account'} replace />;
}
