import { useTranslation } from 'react-i18next';
import type { Branding } from '../lib/branding';
import { LogoMark } from './icons';

/**
 * The top of a signed-out page: the organization's logo (or Gatehouse's mark when it has none) above
 * its name. The mark sits in a box of fixed height whatever fills it, and the name line keeps its
 * height while the branding loads, so nothing below moves when it arrives, with or without a logo.
 * The logo's alt text is the organization's name; the visible name beside it is then hidden from
 * assistive technology, which would otherwise read it twice.
 */
export function BrandHeader({ branding, failed }: { branding: Branding | undefined; failed: boolean }) {
  const { t } = useTranslation();
  const name = branding?.organizationName ?? (failed ? t('common.appName') : undefined);
  const logo = branding?.logoUrl ?? null;
  return (
    <div className="auth-brand">
      <div className="auth-brand-mark">
        {logo ? (
          <img className="auth-brand-logo" src={logo} alt={branding?.organizationName ?? ''} height={40} />
        ) : name !== undefined ? (
          <LogoMark size={40} />
        ) : null}
      </div>
      <span className="auth-brand-name" aria-hidden={logo ? true : undefined}>
        {name ?? '\u00a0'}
      </span>
    </div>
  );
}
