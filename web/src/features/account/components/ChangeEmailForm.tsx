import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { formatDateTime } from '../../../lib/format';
import { useMyEmailChange, useRequestEmailChange } from '../api';

/**
 * My account → Email: asking for a new address changes nothing yet; a link goes to the new address
 * and a notice to the current one, and the address changes when the link is used.
 */
export function ChangeEmailForm({ currentEmail }: { currentEmail: string }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const pending = useMyEmailChange();
  const request = useRequestEmailChange();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() === '') return;
    request.mutate(email.trim(), { onSuccess: () => setEmail('') });
  };
  const waiting = pending.data?.pending;
  return (
    <form className="form" onSubmit={submit}>
      {waiting ? (
        <Notice tone="info" title={t('account.email.pendingTitle')}>
          <p>
            {t('account.email.pendingBody', {
              email: waiting.pendingEmail,
              current: currentEmail,
              until: formatDateTime(waiting.expiresAt),
            })}
          </p>
        </Notice>
      ) : null}
      <TextField
        label={t('account.email.newEmail')}
        type="email"
        value={email}
        onChange={(e) => {
          setEmail(e.target.value);
          if (request.isError) request.reset();
        }}
        autoComplete="email"
        autoCapitalize="off"
        spellCheck={false}
        hint={t('account.email.hint', { current: currentEmail })}
      />
      {request.isError ? <ErrorMessage error={request.error} title={t('account.email.failed')} /> : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={request.isPending} disabled={email.trim() === ''}>
          {t('account.email.submit')}
        </Button>
      </div>
    </form>
  );
}
