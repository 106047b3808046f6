import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { TextField } from '../../../components/TextField';
import { useSignIn } from '../api';
import { PasskeySignIn } from './PasskeySignIn';
import { SecondStepForm } from './SecondStepForm';

export function SignInForm({
  notice,
  onSignedIn,
}: {
  notice?: string | null;
  /** `enroll`: the role requires a factor the user has not set up; the page shows the setup. */
  onSignedIn(result?: { enroll: boolean; email: string }): void;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);
  const signIn = useSignIn();
  const [secondStep, setSecondStep] = useState<readonly string[] | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(
      { email, password },
      {
        onSuccess: (result) =>
          'mfaRequired' in result
            ? setSecondStep(result.methods)
            : onSignedIn({ enroll: result.mfaEnrollmentRequired === true, email: result.user.email }),
        onError: () => {
          setPassword('');
          passwordRef.current?.focus();
        },
      },
    );
  };

  if (secondStep) return <SecondStepForm methods={secondStep} />;
  return (
    <form className="form" onSubmit={submit}>
      {notice && !signIn.isError ? <Notice tone="warning">{notice}</Notice> : null}
      {signIn.isError ? (
        <ErrorMessage error={signIn.error} overrides={{ rate_limited: t('signIn.rateLimited') }} />
      ) : null}
      <TextField
        label={t('signIn.email')}
        type="email"
        name="email"
        // "webauthn": the browser may offer passkeys in this field's suggestions (conditional mediation).
        autoComplete="username webauthn"
        inputMode="email"
        autoCapitalize="off"
        spellCheck={false}
        required
        autoFocus
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <PasswordField
        ref={passwordRef}
        label={t('signIn.password')}
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={setPassword}
      />
      <div className="form-row-end">
        <Link to="/forgot-password" className="link">
          {t('signIn.forgot')}
        </Link>
      </div>
      <Button type="submit" variant="primary" className="btn-block" loading={signIn.isPending}>
        {t('signIn.submit')}
      </Button>
      <PasskeySignIn
        onSignedIn={(result) =>
          onSignedIn({ enroll: result.mfaEnrollmentRequired === true, email: result.user.email })
        }
      />
    </form>
  );
}
