import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { useForgotPassword } from '../api';

/** Asks for an email; the answer is the same whether or not an account exists (SEC-ENUM-02). */
export function ForgotPasswordForm() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const forgot = useForgotPassword();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    forgot.mutate({ email });
  };

  if (forgot.isSuccess) {
    return (
      <div className="form">
        <Notice tone="success" title={t('forgotPassword.sentTitle')}>
          {/* The server's answer is the same for every address (SEC-ENUM-02); worded here in the page's language. */}
          <p>{t('forgotPassword.sent')}</p>
          <p>{t('forgotPassword.sentHint')}</p>
        </Notice>
        <Link to="/sign-in" className="btn btn-secondary btn-block">
          {t('forgotPassword.back')}
        </Link>
      </div>
    );
  }

  return (
    <form className="form" onSubmit={submit}>
      {forgot.isError ? <ErrorMessage error={forgot.error} /> : null}
      <TextField
        label={t('signIn.email')}
        type="email"
        name="email"
        autoComplete="username"
        inputMode="email"
        autoCapitalize="off"
        spellCheck={false}
        required
        autoFocus
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Button type="submit" variant="primary" className="btn-block" loading={forgot.isPending}>
        {t('forgotPassword.submit')}
      </Button>
      <p className="form-footnote">
        <Link to="/sign-in" className="link">
          {t('forgotPassword.back')}
        </Link>
      </p>
    </form>
  );
}
