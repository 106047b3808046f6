import { useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import type { User } from '../../../lib/api';
import { useDeleteUser } from '../api';

/**
 * Delete user: says what goes and what stays, and asks for the user's email typed out before the
 * button works (a deletion cannot be undone; Deactivate can).
 */
export function DeleteUserDialog({
  user,
  onOpenChange,
  onDeleted,
  returnFocus,
}: {
  user: User;
  onOpenChange(open: boolean): void;
  onDeleted(): void;
  returnFocus?: RefObject<HTMLElement | null>;
}) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const remove = useDeleteUser();
  const toast = useToast();
  const matches = typed.trim().toLowerCase() === user.email;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!matches) return;
    remove.mutate(
      { id: user.id },
      {
        onSuccess: () => {
          toast(t('deleteUser.done', { name: user.name }));
          onDeleted();
        },
      },
    );
  };
  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={t('deleteUser.title', { name: user.name })}
      description={user.email}
    >
      <form className="form" onSubmit={submit}>
        <div className="consequences">
          <p className="consequences-title">{t('users.reset.whatHappens')}</p>
          <ul>
            <li>{t('deleteUser.erased')}</li>
            <li>{t('deleteUser.signedOut')}</li>
            <li>{t('deleteUser.audit')}</li>
            <li>{t('deleteUser.final')}</li>
          </ul>
        </div>
        <TextField
          label={t('deleteUser.typeEmail', { email: user.email })}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
        />
        {remove.isError ? <ErrorMessage error={remove.error} title={t('deleteUser.failed')} /> : null}
        <div className="dialog-actions">
          <DialogClose asChild>
            <Button>{t('common.cancel')}</Button>
          </DialogClose>
          <Button type="submit" variant="danger" loading={remove.isPending} disabled={!matches}>
            {t('deleteUser.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
