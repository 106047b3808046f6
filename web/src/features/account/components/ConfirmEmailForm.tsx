import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { useConfirmEmail } from '../api';

/**
 * The page a confirmation link opens. Opening it consumes nothing (a mail scanner that follows the
 * link changes nothing); the button sends the token in a POST body (SEC-RST-08).
 */
export function ConfirmEmailForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const confirm = useConfirmEmail();
  if (confirm.isSuccess) {
    return (
      <>
        <Notice tone="success" title={t('confirmEmail.done')}>
          <p>{t('confirmEmail.doneBody', { email: confirm.data.email })}</p>
        </Notice>
        <p>
          <Link to="/">{t('confirmEmail.continue')}</Link>
        </p>
      </>
    );
  }
  if (!token) {
    return (
      <Notice tone="warning" title={t('confirmEmail.noToken')}>
        <p>{t('confirmEmail.noTokenHint')}</p>
      </Notice>
    );
  }
  return (
    <div className="form">
      {confirm.isError ? <ErrorMessage error={confirm.error} title={t('confirmEmail.failed')} /> : null}
      <Button variant="primary" loading={confirm.isPending} onClick={() => confirm.mutate(token)}>
        {t('confirmEmail.submit')}
      </Button>
    </div>
  );
}
