import { useId, useMemo, useState, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { checkPassword, contextWords, type PasswordPolicy } from '../lib/password-policy';
import { usePasswordScore } from '../lib/password-strength';
import { CheckIcon, DotIcon } from './icons';

export interface PasswordFieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'type' | 'value' | 'onChange'
> {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  autoComplete: 'current-password' | 'new-password';
  /** With a policy, shows a strength meter and the policy's rules, checked as the person types. */
  policy?: PasswordPolicy | undefined;
  hint?: ReactNode;
  error?: string | null | undefined;
  ref?: Ref<HTMLInputElement>;
}

/** A password input with Show/Hide and, for new passwords, live policy feedback (SEC-PW-04: paste allowed). */
export function PasswordField({
  label,
  value,
  onChange,
  policy,
  hint,
  error,
  className = '',
  ref,
  ...props
}: PasswordFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const [visible, setVisible] = useState(false);
  // The estimator loads only for a field with a policy (a new password); a sign-in field never asks.
  const words = useMemo(() => (policy ? contextWords(policy.context) : null), [policy]);
  const score = usePasswordScore(words ? value : '', words ?? [], words !== null);
  const check = useMemo(() => (policy ? checkPassword(value, policy, score) : null), [value, policy, score]);
  const hintId = hint ? `${id}-hint` : undefined;
  const rulesId = check ? `${id}-rules` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field ${className}`}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="input-wrap has-trailing">
        <input
          ref={ref}
          id={id}
          className="input"
          type={visible ? 'text' : 'password'}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, rulesId, errorId].filter(Boolean).join(' ') || undefined}
          {...props}
        />
        <button
          type="button"
          className="input-trailing-button"
          aria-pressed={visible}
          aria-label={visible ? t('password.hidePassword') : t('password.showPassword')}
          onClick={() => setVisible((v) => !v)}
        >
          {visible ? t('password.hide') : t('password.show')}
        </button>
      </div>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {check && policy ? (
        <div className="password-feedback">
          <div className="strength" data-strength={value ? check.strength : 'none'} aria-hidden="true">
            <span />
            <span />
            <span />
            <span />
          </div>
          <p className="strength-label">
            {value ? (
              <Trans
                i18nKey="password.strength"
                count={check.length}
                values={{ strength: check.strengthLabel }}
                components={{ strong: <strong /> }}
              />
            ) : (
              t('password.tip')
            )}
          </p>
          <ul id={rulesId} className="rules" aria-label={t('password.requirements')}>
            {check.rules.map((rule) => (
              <li key={rule.id} data-state={!value ? 'idle' : rule.met ? 'met' : 'unmet'}>
                {value && rule.met ? <CheckIcon size={14} /> : <DotIcon size={14} />}
                <span>{rule.label}</span>
                <span className="visually-hidden">
                  {!value ? '' : rule.met ? t('password.ruleDone') : t('password.ruleNotYet')}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
