import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { isAbort, passkeyCeremonyFailure } from '../../../lib/passkeys';
import { usePasskeySignIn } from '../api/passkeys';

type Result = { mfaEnrollmentRequired?: true | undefined; user: { email: string } };

/**
 * "Sign in with a passkey" under the password form, and the same offered in the email field's
 * autofill (conditional mediation, issue 13). A browser without WebAuthn sees neither: the password
 * form works as before.
 */
export function PasskeySignIn({ onSignedIn }: { onSignedIn(result: Result): void }) {
  const { t } = useTranslation();
  const button = usePasskeySignIn();
  const autofill = usePasskeySignIn();
  const supported = browserSupportsWebAuthn();

  useEffect(() => {
    let active = true;
    void browserSupportsWebAuthnAutofill().then((available) => {
      // The request waits until the person picks a passkey in the email field's suggestions.
      if (available && active) autofill.mutate({ autofill: true }, { onSuccess: onSignedIn });
    });
    return () => {
      active = false;
      WebAuthnAbortService.cancelCeremony();
    };
    // Once per visit of the page (no dependencies): a new request would abort the pending one.
  }, []);

  if (!supported) return null;
  const failure = button.isError ? passkeyCeremonyFailure(button.error, 'get') : null;
  const autofillFailed = autofill.isError && !isAbort(autofill.error) ? autofill.error : null;
  return (
    <div className="stack">
      <p className="muted">{t('passkeys.or')}</p>
      {button.isError ? (
        failure ? (
          <Notice tone="warning">{t(failure)}</Notice>
        ) : (
          <ErrorMessage error={button.error} />
        )
      ) : null}
      {autofillFailed && !button.isError && !passkeyCeremonyFailure(autofillFailed, 'get') ? (
        <ErrorMessage error={autofillFailed} />
      ) : null}
      <Button
        className="btn-block"
        loading={button.isPending}
        onClick={() => button.mutate({ autofill: false }, { onSuccess: onSignedIn })}
      >
        {t('passkeys.signIn')}
      </Button>
    </div>
  );
}
