import { useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import type { User } from '../../../lib/api';
import { useChangeUserEmail, useRenameUser } from '../api';

interface DialogProps {
  user: User;
  onOpenChange(open: boolean): void;
  returnFocus?: RefObject<HTMLElement | null>;
}

/** Rename: the name shown in lists, mail and the audit log's sentences. */
export function RenameDialog({ user, onOpenChange, returnFocus }: DialogProps) {
  const { t } = useTranslation();
  const [name, setName] = useState(user.name);
  const rename = useRenameUser();
  const toast = useToast();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '' || name.trim() === user.name) return;
    rename.mutate(
      { id: user.id, name: name.trim() },
      {
        onSuccess: (updated) => {
          toast(t('editUser.renamed', { name: updated.name }));
          onOpenChange(false);
        },
      },
    );
  };
  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={t('editUser.renameTitle', { name: user.name })}
    >
      <form className="form" onSubmit={submit}>
        <TextField
          label={t('editUser.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        {rename.isError ? <ErrorMessage error={rename.error} title={t('editUser.renameFailed')} /> : null}
        <div className="dialog-actions">
          <DialogClose asChild>
            <Button>{t('common.cancel')}</Button>
          </DialogClose>
          <Button
            type="submit"
            variant="primary"
            loading={rename.isPending}
            disabled={name.trim() === '' || name.trim() === user.name}
          >
            {t('editUser.renameSubmit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * Change email (admin): the address changes now — sign-in and mail use it at once — and stays
 * unverified until the user uses the link mailed to it; the old address gets a notice.
 */
export function ChangeEmailDialog({ user, onOpenChange, returnFocus }: DialogProps) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const change = useChangeUserEmail();
  const toast = useToast();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() === '') return;
    change.mutate(
      { id: user.id, email: email.trim() },
      {
        onSuccess: (updated) => {
          toast(t('editUser.emailChanged', { email: updated.email }));
          onOpenChange(false);
        },
      },
    );
  };
  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={t('editUser.emailTitle', { name: user.name })}
      description={t('editUser.emailCurrent', { email: user.email })}
    >
      <form className="form" onSubmit={submit}>
        <TextField
          label={t('editUser.newEmail')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoCapitalize="off"
          spellCheck={false}
          required
        />
        <div className="consequences">
          <p className="consequences-title">{t('users.reset.whatHappens')}</p>
          <ul>
            <li>{t('editUser.emailNow')}</li>
            <li>{t('editUser.emailVerify')}</li>
            <li>{t('editUser.emailNotice', { email: user.email })}</li>
          </ul>
        </div>
        {change.isError ? <ErrorMessage error={change.error} title={t('editUser.emailFailed')} /> : null}
        <div className="dialog-actions">
          <DialogClose asChild>
            <Button>{t('common.cancel')}</Button>
          </DialogClose>
          <Button type="submit" variant="primary" loading={change.isPending} disabled={email.trim() === ''}>
            {t('editUser.emailSubmit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
