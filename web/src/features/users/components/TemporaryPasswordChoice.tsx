import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../../components/CopyField';
import { PasswordField } from '../../../components/PasswordField';
import { checkPassword, DEFAULT_POLICY } from '../../../lib/password-policy';
import { useOrganizationPolicy } from '../api';

/*
 * The temporary-password part that Add user and Reset password share: how to choose (a radio group of
 * cards), the typed password under the organization's live policy, and a generated password shown
 * once. One component, so both dialogs keep the same guarantees and the same words.
 */

/** A group of radio cards (title and explanation each), e.g. "Generate" / "Type" / "Email a link". */
export function ChoiceGroup<V extends string>({
  legend,
  value,
  onChange,
  options,
}: {
  legend: string;
  value: V;
  onChange(value: V): void;
  options: Array<{ value: V; title: ReactNode; body: ReactNode }>;
}) {
  const groupName = useId();
  return (
    <fieldset className="choice-group">
      <legend className="field-label">{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className="choice" data-checked={value === option.value || undefined}>
          <input
            type="radio"
            name={groupName}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <span className="choice-text">
            <span className="choice-title">{option.title}</span>
            <span className="choice-body">{option.body}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** The organization's live rules for a temporary password for this person, and how long it lasts. */
export function useTemporaryPasswordPolicy(person: { email: string; name: string }, password: string) {
  const settings = useOrganizationPolicy();
  const policy = {
    minLength: settings.data?.passwordMinLength ?? DEFAULT_POLICY.minLength,
    maxLength: DEFAULT_POLICY.maxLength,
    context: { email: person.email, name: person.name, organizationName: settings.data?.organizationName },
  };
  return {
    policy,
    check: checkPassword(password, policy),
    hours: settings.data?.temporaryPasswordHours ?? 72,
  };
}

/** The typed temporary password, checked against the policy as it is typed. */
export function TemporaryPasswordChoice({
  label,
  value,
  onChange,
  policy,
  showError,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  policy: ReturnType<typeof useTemporaryPasswordPolicy>['policy'];
  /** After a first attempt: say that the rules are not met. */
  showError: boolean;
}) {
  const { t } = useTranslation();
  return (
    <PasswordField
      label={label}
      name="new-password"
      autoComplete="new-password"
      value={value}
      onChange={onChange}
      policy={policy}
      error={showError ? t('password.notMet') : undefined}
    />
  );
}

/** A generated temporary password: shown this once, with copy. */
export function GeneratedPassword({ password }: { password: string }) {
  const { t } = useTranslation();
  return (
    <>
      <CopyField label={t('users.temporaryPassword')} value={password} monospace />
      <p className="warning-text">{t('users.reset.passwordOnce')}</p>
    </>
  );
}
