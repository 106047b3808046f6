import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { passkeyCeremonyFailure } from '../../../lib/passkeys';
import { useVerifySecondStep } from '../api';
import { passkeyAnswer } from '../api/passkeys';

type Method = 'totp' | 'passkey' | 'recovery_code';
/** The method last used in this browser (issue 13: the choice is remembered per browser). */
const METHOD_KEY = 'gatehouse.mfaMethod';
const ORDER: readonly Method[] = ['totp', 'passkey', 'recovery_code'];

function rememberedMethod(methods: readonly string[]): Method {
  const stored = localStorage.getItem(METHOD_KEY);
  const offered = ORDER.filter((m) => methods.includes(m));
  return offered.find((m) => m === stored) ?? offered[0] ?? 'recovery_code';
}

const switchLabel = {
  totp: 'mfa.methodTotp',
  passkey: 'passkeys.methodPasskey',
  recovery_code: 'mfa.methodRecovery',
};

/** The page after a correct password for a user with two-step verification. */
export function SecondStepForm({ methods }: { methods: readonly string[] }) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<Method>(() => rememberedMethod(methods));
  const [code, setCode] = useState('');
  const [ceremonyError, setCeremonyError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const verify = useVerifySecondStep();
  const remember = () => localStorage.setItem(METHOD_KEY, method);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (method !== 'passkey') {
      verify.mutate({ method, code }, { onSuccess: remember, onError: () => setCode('') });
      return;
    }
    setCeremonyError(null);
    setWaiting(true);
    passkeyAnswer()
      .then((response) => verify.mutate({ method: 'passkey', response }, { onSuccess: remember }))
      .catch((error: unknown) => {
        const failure = passkeyCeremonyFailure(error, 'get');
        if (failure) setCeremonyError(failure);
        else verify.reset();
      })
      .finally(() => setWaiting(false));
  };
  const others = ORDER.filter((m) => m !== method && methods.includes(m));

  return (
    <form className="form" onSubmit={submit} aria-label={t('mfa.secondStepTitle')}>
      <p className="muted">
        {method === 'totp'
          ? t('mfa.secondStepDescription')
          : method === 'passkey'
            ? t('passkeys.secondStepDescription')
            : t('mfa.recoveryDescription')}
      </p>
      {verify.isError ? <ErrorMessage error={verify.error} /> : null}
      {ceremonyError ? <Notice tone="warning">{t(ceremonyError)}</Notice> : null}
      {method === 'passkey' ? null : (
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
      )}
      <Button type="submit" variant="primary" className="btn-block" loading={verify.isPending || waiting}>
        {method === 'passkey' ? t('passkeys.usePasskey') : t('mfa.verify')}
      </Button>
      {others.map((other) => (
        <Button
          key={other}
          variant="ghost"
          className="btn-block"
          onClick={() => {
            setMethod(other);
            setCode('');
            setCeremonyError(null);
            verify.reset();
          }}
        >
          {t(switchLabel[other])}
        </Button>
      ))}
    </form>
  );
}
