import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import type { Me } from '../../../lib/api';
import { checkPassword, contextWords } from '../../../lib/password-policy';
import { scoreBeforeSubmit, usePasswordScore } from '../../../lib/password-strength';
import { useChangePassword } from '../api';

/**
 * Change one's own password: the current one (or the temporary one an admin set), then a new one
 * with live policy feedback. Other sessions end; this one continues.
 */
export function ChangePasswordForm({
  me,
  forced = false,
  onChanged,
}: {
  me: Me;
  forced?: boolean;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [tried, setTried] = useState(false);
  const change = useChangePassword();
  const policy = { ...me.passwordPolicy, context: { email: me.user.email, name: me.user.name } };
  // The estimator's verdict gates the submit too: the server would refuse what it rates too guessable.
  const check = checkPassword(next, policy, usePasswordScore(next, contextWords(policy.context)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!current) return;
    const score = await scoreBeforeSubmit(next, contextWords(policy.context));
    if (!checkPassword(next, policy, score).ok) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          onChanged();
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      {change.isError ? (
        <ErrorMessage
          error={change.error}
          overrides={
            forced
              ? {
                  current_password_incorrect: t('changePassword.temporaryIncorrect'),
                  password_reused: t('changePassword.temporaryReused'),
                }
              : {}
          }
        />
      ) : null}
      <PasswordField
        label={forced ? t('changePassword.temporary') : t('changePassword.current')}
        name="current-password"
        autoComplete="current-password"
        required
        autoFocus={forced}
        value={current}
        onChange={setCurrent}
        hint={forced ? t('changePassword.temporaryHint') : undefined}
      />
      <PasswordField
        label={t('changePassword.new')}
        name="new-password"
        autoComplete="new-password"
        required
        value={next}
        onChange={setNext}
        policy={policy}
        error={tried && !check.ok ? t('password.notMet') : undefined}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={change.isPending}>
          {forced ? t('changePassword.setNew') : t('changePassword.submit')}
        </Button>
      </div>
    </form>
  );
}
