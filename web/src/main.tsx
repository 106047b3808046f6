import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import './lib/i18n';
import { Providers } from './app/providers';
import { createQueryClient } from './app/query-client';
import { createAppRouter } from './app/router';
import { meQueryKey, SESSION_ENDED, setSignInNotice } from './lib/session';
import './styles.css';

const router = createAppRouter();

const queryClient = createQueryClient({
  onSessionEnded() {
    if (router.state.location.pathname === '/sign-in') return;
    setSignInNotice(SESSION_ENDED);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
    queryClient.setQueryData(meQueryKey, null);
    const { pathname, search } = router.state.location;
    void router.navigate('/sign-in', { replace: true, state: { from: `${pathname}${search}` } });
  },
  onPasswordChangeRequired() {
    void queryClient.invalidateQueries({ queryKey: meQueryKey });
    void router.navigate('/change-password', { replace: true });
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);
