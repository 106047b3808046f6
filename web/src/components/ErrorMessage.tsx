import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/errors';
import { Button } from './Button';
import { AlertIcon, InfoIcon } from './icons';

/** An error in words, announced to screen readers, with an optional Try again. */
export function ErrorMessage({
  error,
  title,
  onRetry,
  overrides,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  overrides?: Record<string, string>;
}) {
  const { t } = useTranslation();
  return (
    <div className="alert alert-error" role="alert">
      <AlertIcon size={18} />
      <div className="alert-content">
        {title ? <p className="alert-title">{title}</p> : null}
        <p>{errorMessage(error, overrides)}</p>
        {onRetry ? (
          <Button size="sm" onClick={onRetry} className="alert-action">
            {t('common.tryAgain')}
          </Button>
        ) : null}
      </div>
    </div>
  );
}

/** A non-error notice: success or information, announced politely. */
export function Notice({
  tone = 'info',
  title,
  children,
}: {
  tone?: 'info' | 'success' | 'warning';
  title?: string;
  children: ReactNode;
}) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      <InfoIcon size={18} />
      <div className="alert-content">
        {title ? <p className="alert-title">{title}</p> : null}
        {children}
      </div>
    </div>
  );
}
