import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/Page';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <EmptyState
        title={t('notFound.body')}
        action={
          <Link to="/" className="btn btn-primary">
            {t('notFound.goHome')}
          </Link>
        }
      >
        <p>{t('notFound.hint')}</p>
      </EmptyState>
    </>
  );
}

/** Shown instead of an admin page to someone who is not an admin. */
export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('forbidden.title')} />
      <EmptyState
        title={t('forbidden.body')}
        action={
          <Link to="/account" className="btn btn-primary">
            {t('forbidden.goAccount')}
          </Link>
        }
      />
    </>
  );
}
