import type { ReactNode } from 'react';
import { useBranding, useBrandedTitle } from '../lib/branding';
import { BrandHeader } from './BrandHeader';

/**
 * The centred card of the signed-out pages (sign-in, reset, invitation, setup, forced change, second
 * step and enrollment, reauthentication), under the organization's logo and name.
 */
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
  const branding = useBranding();
  useBrandedTitle(title, branding.data?.organizationName);
  return (
    <div className="auth-shell">
      <main id="main" className="auth-main">
        <BrandHeader branding={branding.data} failed={branding.isError} />
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
