import type { ReactNode } from 'react';
import { createBrowserRouter, Outlet } from 'react-router';
import { useCurrentUser } from './current-user';
import { ConsoleLayout, RouteError } from './layout/ConsoleLayout';
import { AcceptInvitationPage } from './pages/AcceptInvitationPage';
import { AccountPage } from './pages/AccountPage';
import { AppsPage } from './pages/AppsPage';
import { AuditPage } from './pages/AuditPage';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { EnrollPage } from './pages/EnrollPage';
import { ConsentPage } from './pages/ConsentPage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { HomePage } from './pages/HomePage';
import { ForbiddenPage, NotFoundPage } from './pages/NotFoundPage';
import { ReauthenticatePage } from './pages/ReauthenticatePage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { SettingsPage } from './pages/SettingsPage';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { UsersPage } from './pages/UsersPage';
import { UserPage } from './pages/UserPage';
import { OutboxPage } from './pages/OutboxPage';
import { ConfirmEmailPage } from './pages/ConfirmEmailPage';

function AdminOnly({ children }: { children: ReactNode }) {
  const me = useCurrentUser();
  return me.user.role === 'admin' ? children : <ForbiddenPage />;
}

/** Signed-out pages, the forced change page, and the console (signed in, full session). */
export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <Outlet />,
      errorElement: <RouteError />,
      children: [
        { path: 'sign-in', element: <SignInPage /> },
        { path: 'forgot-password', element: <ForgotPasswordPage /> },
        { path: 'reset-password', element: <ResetPasswordPage /> },
        { path: 'enroll', element: <EnrollPage /> },
        { path: 'invitations/accept', element: <AcceptInvitationPage /> },
        { path: 'setup', element: <SetupPage /> },
        { path: 'confirm-email', element: <ConfirmEmailPage /> },
        { path: 'change-password', element: <ChangePasswordPage /> },
        { path: 'consent/:uid', element: <ConsentPage /> },
        { path: 'reauthenticate', element: <ReauthenticatePage /> },
        {
          element: <ConsoleLayout />,
          children: [
            { index: true, element: <HomePage /> },
            {
              path: 'users',
              element: (
                <AdminOnly>
                  <UsersPage />
                </AdminOnly>
              ),
            },
            {
              path: 'users/:id',
              element: (
                <AdminOnly>
                  <UserPage />
                </AdminOnly>
              ),
            },
            {
              path: 'outbox',
              element: (
                <AdminOnly>
                  <OutboxPage />
                </AdminOnly>
              ),
            },
            {
              path: 'audit',
              element: (
                <AdminOnly>
                  <AuditPage />
                </AdminOnly>
              ),
            },
            {
              path: 'apps',
              element: (
                <AdminOnly>
                  <AppsPage />
                </AdminOnly>
              ),
            },
            {
              path: 'settings',
              element: (
                <AdminOnly>
                  <SettingsPage />
                </AdminOnly>
              ),
            },
            { path: 'account', element: <AccountPage /> },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}

export type AppRouter = ReturnType<typeof createAppRouter>;
