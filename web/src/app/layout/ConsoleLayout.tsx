import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { Button } from '../../components/Button';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LogoMark } from '../../components/icons';
import { Loading } from '../../components/Spinner';
import { setupPendingQueryKey, useMe } from '../../features/auth/api';
import { useQueryClient } from '@tanstack/react-query';
import { MailLogBanner } from '../../features/mail/components/MailLogBanner';
import type { Me } from '../../lib/api';
import { peekSignInNotice, SIGNED_OUT } from '../../lib/session';
import { ProfileMenu } from './ProfileMenu';

/**
 * The signed-in console: top bar with navigation and the profile menu. Signed out → sign-in;
 * a temporary password → the forced change page, and nothing else.
 */
export function ConsoleLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const queryClient = useQueryClient();
  if (me.isPending)
    return (
      <FullPage>
        <Loading label={t('layout.loading')} />
      </FullPage>
    );
  if (me.isError) {
    return (
      <FullPage>
        <ErrorMessage error={me.error} title={t('layout.loadFailed')} onRetry={() => void me.refetch()} />
      </FullPage>
    );
  }
  if (!me.data) {
    // Before setup there is nobody to sign in: the setup page says what to do.
    if (queryClient.getQueryData<boolean>(setupPendingQueryKey)) return <Navigate to="/setup" replace />;
    // After a deliberate sign-out, the next sign-in starts afresh; after a session ended, it comes back here.
    const state =
      peekSignInNotice() === SIGNED_OUT ? null : { from: `${location.pathname}${location.search}` };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  if (me.data.passwordChangeRequired) return <Navigate to="/change-password" replace />;
  return (
    <div className="app-shell">
      <a href="#main" className="skip-link">
        {t('layout.skipToContent')}
      </a>
      <TopBar me={me.data} />
      <main id="main" className="app-main" tabIndex={-1}>
        {me.data.user.role === 'admin' ? <MailLogBanner /> : null}
        <Outlet context={me.data} />
      </main>
    </div>
  );
}

function TopBar({ me }: { me: Me }) {
  const { t } = useTranslation();
  const isAdmin = me.user.role === 'admin';
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand">
          <LogoMark size={28} />
          <span>{t('common.appName')}</span>
        </Link>
        <nav aria-label={t('layout.mainNav')} className="main-nav">
          {isAdmin ? (
            <>
              <NavLink to="/users" className="nav-link">
                {t('nav.users')}
              </NavLink>
              <NavLink to="/outbox" className="nav-link">
                {t('nav.outbox')}
              </NavLink>
              <NavLink to="/audit" className="nav-link">
                {t('nav.audit')}
              </NavLink>
              <NavLink to="/apps" className="nav-link">
                {t('oidc.apps.title')}
              </NavLink>
              <NavLink to="/settings" className="nav-link">
                {t('nav.settings')}
              </NavLink>
            </>
          ) : null}
          <NavLink to="/account" className="nav-link">
            {t('nav.account')}
          </NavLink>
        </nav>
        <ProfileMenu me={me} />
      </div>
    </header>
  );
}

export function FullPage({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="full-page">
      <div className="full-page-inner">{children}</div>
    </main>
  );
}

export function RouteError() {
  const { t } = useTranslation();
  return (
    <FullPage>
      <div className="alert alert-error" role="alert">
        <div className="alert-content">
          <p className="alert-title">{t('layout.routeErrorTitle')}</p>
          <p>{t('layout.routeErrorBody')}</p>
          <Button size="sm" className="alert-action" onClick={() => window.location.reload()}>
            {t('layout.reload')}
          </Button>
        </div>
      </div>
    </FullPage>
  );
}
