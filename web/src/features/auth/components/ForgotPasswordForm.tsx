import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { useForgotPassword } from '../api';

/** Asks for an email; the answer is the same whether or not an account exists (SEC-ENUM-02). */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState('');
  const forgot = useForgotPassword();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    forgot.mutate({ email });
  };

  if (forgot.isSuccess) {
    return (
      <div className="form">
        <Notice tone="success" title="Check your email">
          <p>{forgot.data.message}</p>
          <p>
            The link works once and expires in 30 minutes. If nothing arrives, check your spam folder or ask
            an admin.
          </p>
        </Notice>
        <Link to="/sign-in" className="btn btn-secondary btn-block">
          Back to sign in
        </Link>
      </div>
    );
  }

  return (
    <form className="form" onSubmit={submit}>
      {forgot.isError ? <ErrorMessage error={forgot.error} /> : null}
      <TextField
        label="Email"
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
        Email me a reset link
      </Button>
      <p className="form-footnote">
        <Link to="/sign-in" className="link">
          Back to sign in
        </Link>
      </p>
    </form>
  );
}
