import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../lib/hooks';
import { LogoMark } from './icons';

/** The centred card of the signed-out pages (sign-in, reset, invitation, setup, forced change). */
export function AuthCard({
  title,
  description,
  children,
  footer,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  usePageTitle(title);
  return (
    <div className="auth-shell">
      <main id="main" className="auth-main">
        <div className="auth-brand">
          <LogoMark size={32} />
          <span>{t('common.appName')}</span>
        </div>
        <div className="auth-card">
          <h1 className="auth-title">{title}</h1>
          {description ? <div className="auth-description">{description}</div> : null}
          {children}
        </div>
        {footer ? <div className="auth-footer">{footer}</div> : null}
      </main>
    </div>
  );
}
