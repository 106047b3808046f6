import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { useVerifySecondStep } from '../api';

type Method = 'totp' | 'recovery_code';
/** The method last used in this browser (issue 13: the choice is remembered per browser). */
const METHOD_KEY = 'gatehouse.mfaMethod';

function rememberedMethod(methods: readonly string[]): Method {
  const stored = localStorage.getItem(METHOD_KEY);
  if (stored === 'recovery_code' && methods.includes('recovery_code')) return 'recovery_code';
  return methods.includes('totp') ? 'totp' : 'recovery_code';
}

/** The page after a correct password for a user with two-step verification. */
export function SecondStepForm({ methods }: { methods: readonly string[] }) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<Method>(() => rememberedMethod(methods));
  const [code, setCode] = useState('');
  const verify = useVerifySecondStep();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate(
      { method, code },
      {
        onSuccess: () => localStorage.setItem(METHOD_KEY, method),
        onError: () => setCode(''),
      },
    );
  };
  const other: Method = method === 'totp' ? 'recovery_code' : 'totp';

  return (
    <form className="form" onSubmit={submit} aria-label={t('mfa.secondStepTitle')}>
      <p className="muted">
        {method === 'totp' ? t('mfa.secondStepDescription') : t('mfa.recoveryDescription')}
      </p>
      {verify.isError ? <ErrorMessage error={verify.error} /> : null}
      <TextField
        key={method}
        label={method === 'totp' ? t('mfa.codeLabel') : t('mfa.recoveryCodeLabel')}
        name={method === 'totp' ? 'totp' : 'recovery-code'}
        autoComplete="one-time-code"
        inputMode={method === 'totp' ? 'numeric' : 'text'}
        autoCapitalize="off"
        spellCheck={false}
        required
        autoFocus
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      <Button type="submit" variant="primary" className="btn-block" loading={verify.isPending}>
        {t('mfa.verify')}
      </Button>
      {methods.includes(other) ? (
        <Button
          variant="ghost"
          className="btn-block"
          onClick={() => {
            setMethod(other);
            setCode('');
            verify.reset();
          }}
        >
          {other === 'totp' ? t('mfa.methodTotp') : t('mfa.methodRecovery')}
        </Button>
      ) : null}
    </form>
  );
}
