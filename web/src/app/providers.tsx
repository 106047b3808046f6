import { QueryClientProvider, useQuery, type QueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { ToastProvider } from '../components/Toast';
import { meQuery } from '../features/auth/api';
import { brandingQuery } from '../lib/branding';
import { chooseLanguage, i18n } from '../lib/i18n';

export function Providers({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <LanguageFromSession />
        <ToastProvider>{children}</ToastProvider>
      </QueryClientProvider>
    </I18nextProvider>
  );
}

/**
 * Follows the session: once `GET /me` has answered, the console speaks the user's language (or the
 * organization's); signed out, the browser's, else the organization's default from the branding the
 * signed-out pages load. Reads the cached answers only (enabled: false): the pages that need them
 * load them.
 */
function LanguageFromSession() {
  const me = useQuery({ ...meQuery, enabled: false });
  const branding = useQuery({ ...brandingQuery, enabled: false });
  const organizationDefault = branding.data?.defaultLocale;
  useEffect(() => {
    if (me.data === undefined) return;
    const language = chooseLanguage(me.data, organizationDefault);
    if (language !== i18n.language) void i18n.changeLanguage(language);
  }, [me.data, organizationDefault]);
  return null;
}
