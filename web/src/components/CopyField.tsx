import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { copyText } from '../lib/clipboard';
import { Button } from './Button';
import { CheckIcon, CopyIcon } from './icons';

/** A read-only value (a generated password, a link) with a Copy button that says when it worked. */
export function CopyField({
  label,
  value,
  monospace = false,
}: {
  label: string;
  value: string;
  monospace?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="copy-field">
        <input
          ref={field}
          id={id}
          className={`input${monospace ? ' mono' : ''}`}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button
          onClick={async () => setState((await copyText(value, field.current)) ? 'copied' : 'failed')}
          icon={state === 'copied' ? <CheckIcon /> : <CopyIcon />}
          aria-describedby={id}
        >
          {state === 'copied' ? t('copy.copied') : t('copy.copy')}
        </Button>
      </div>
      <p className="field-hint" role="status">
        {state === 'copied' ? t('copy.copiedToClipboard') : state === 'failed' ? t('copy.failed') : ''}
      </p>
    </div>
  );
}
