import { useTranslation } from 'react-i18next';

export function Spinner({ size = 'md', decorative = false }: { size?: 'sm' | 'md'; decorative?: boolean }) {
  return <span className={`spinner spinner-${size}`} aria-hidden={decorative || undefined} />;
}

/** A loading state that says what is loading. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="loading" role="status">
      <Spinner decorative />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}
