import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import { isApiError } from '../../../lib/api';
import { formatDate } from '../../../lib/format';
import { passkeyCeremonyFailure } from '../../../lib/passkeys';
import { useRemoveFactor } from '../api';
import { useAddPasskey } from '../api/passkeys';
import { FactorRowActions } from './FactorRowActions';
import { RenameFactorDialog } from './RenameFactorDialog';

interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp?: boolean | undefined;
}

/**
 * My account → Two-step verification → Passkeys (issue 13): the list (name, added, last used,
 * synced or not), add with an optional name, remove. A change refused for an old authentication is
 * handed to the card's step-up (`onStepUp`), then retried.
 */
export function PasskeysSection({
  passkeys,
  onStepUp,
  onCodes,
}: {
  passkeys: readonly Passkey[];
  onStepUp(retry: () => void): void;
  onCodes(codes: string[]): void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const add = useAddPasskey();
  const remove = useRemoveFactor();
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<Passkey | null>(null);
  const supported = browserSupportsWebAuthn();

  const stepUp = (action: () => void) => (error: unknown) => {
    if (isApiError(error) && error.code === 'reauthentication_required') onStepUp(action);
  };
  const create = () =>
    add.mutate(name, {
      onSuccess: (result) => {
        setAdding(false);
        setName('');
        toast(t('passkeys.added'));
        if (result.recoveryCodes) onCodes(result.recoveryCodes);
      },
      onError: stepUp(create),
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create();
  };
  const ceremonyFailure = add.isError ? passkeyCeremonyFailure(add.error, 'create') : null;
  const stepUpPending = isApiError(add.error) && add.error.code === 'reauthentication_required';

  return (
    <section className="stack" aria-label={t('passkeys.title')}>
      <p className="field-label">{t('passkeys.title')}</p>
      <p className="muted">{t('passkeys.description')}</p>
      {passkeys.length === 0 ? <p className="muted">{t('passkeys.none')}</p> : null}
      {passkeys.length > 0 ? (
        <ul className="list" aria-label={t('passkeys.title')}>
          {passkeys.map((p) => (
            <li key={p.id} className="list-row">
              <span>
                {p.name}{' '}
                <span className="muted">
                  {t('mfa.addedOn', { date: formatDate(p.createdAt) })}
                  {p.lastUsedAt ? ` · ${t('mfa.lastUsed', { date: formatDate(p.lastUsedAt) })}` : ''}
                  {` · ${p.backedUp ? t('passkeys.synced') : t('passkeys.thisDevice')}`}
                </span>
              </span>
              <FactorRowActions
                onRename={() => setRenaming(p)}
                removing={remove.isPending}
                onRemove={() => {
                  if (!window.confirm(t('passkeys.removeConfirm', { name: p.name }))) return;
                  const run = () => remove.mutate(p.id, { onSuccess: () => toast(t('passkeys.removed')) });
                  remove.mutate(p.id, {
                    onSuccess: () => toast(t('passkeys.removed')),
                    onError: stepUp(run),
                  });
                }}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {renaming ? (
        <RenameFactorDialog factor={renaming} onOpenChange={(open) => !open && setRenaming(null)} />
      ) : null}
      {remove.isError && !(isApiError(remove.error) && remove.error.code === 'reauthentication_required') ? (
        <ErrorMessage error={remove.error} />
      ) : null}
      {!supported ? (
        <Notice>{t('passkeys.notSupported')}</Notice>
      ) : adding ? (
        <form className="form" onSubmit={submit} aria-label={t('passkeys.add')}>
          {add.isError && !stepUpPending ? (
            ceremonyFailure ? (
              <Notice tone="warning">{t(ceremonyFailure)}</Notice>
            ) : (
              <ErrorMessage error={add.error} />
            )
          ) : null}
          <TextField
            label={t('passkeys.nameLabel')}
            name="passkey-name"
            autoComplete="off"
            maxLength={200}
            value={name}
            hint={t('passkeys.nameHint')}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="form-actions">
            <Button type="submit" variant="primary" loading={add.isPending}>
              {t('passkeys.create')}
            </Button>
            <Button onClick={() => (setAdding(false), add.reset())}>{t('common.cancel')}</Button>
          </div>
        </form>
      ) : (
        <div className="form-actions">
          <Button onClick={() => setAdding(true)}>{t('passkeys.add')}</Button>
        </div>
      )}
    </section>
  );
}
