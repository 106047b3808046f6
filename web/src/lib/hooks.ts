import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The value, once it has stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/** Sets the document title: "Manage users · Gatehouse". */
export function usePageTitle(title: string): void {
  const { t } = useTranslation();
  const text = title ? t('common.pageTitle', { title }) : t('common.appName');
  useEffect(() => {
    document.title = text;
  }, [text]);
}
