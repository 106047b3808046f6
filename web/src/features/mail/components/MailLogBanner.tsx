import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AlertIcon } from '../../../components/icons';
import { useMailStatus } from '../api';

/**
 * For admins, on every console page, while mail only reaches the server log (no SMTP_URL): without
 * it "3 invitations sent" reads as if people got mail (issue 14, item 1).
 */
export function MailLogBanner() {
  const { t } = useTranslation();
  const status = useMailStatus();
  if (status.data?.transport !== 'log') return null;
  return (
    <div className="alert alert-warning mail-banner" role="status">
      <AlertIcon size={18} />
      <div className="alert-content">
        <p className="alert-title">{t('mail.banner.title')}</p>
        <p>
          {t('mail.banner.body')} <Link to="/settings#mail">{t('mail.banner.link')}</Link>
        </p>
      </div>
    </div>
  );
}
