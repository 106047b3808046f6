import { useTranslation } from 'react-i18next';

/**
 * Whether a user has two-step verification on (issue 13): a shield with a check, or an empty shield
 * with a dash; the words are its accessible name and tooltip, so neither colour nor shape alone says it.
 */
export function TwoStepIcon({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const label = enabled ? t('userlist.twoStep.on') : t('userlist.twoStep.off');
  return (
    <span
      className="two-step-icon"
      data-enabled={enabled || undefined}
      role="img"
      aria-label={label}
      title={label}
    >
      <svg
        width={18}
        height={18}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        <path d="M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6l7-3z" />
        {enabled ? <path d="M9 12l2 2 4-4" /> : <path d="M9.5 12h5" />}
      </svg>
    </span>
  );
}
