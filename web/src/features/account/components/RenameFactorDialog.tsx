import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import { useRenameFactor } from '../api';

/** The longest name the server takes (PATCH /api/v1/me/factors/{id}). */
const MAX_NAME = 64;

/** My account → Two-step verification → Rename, for a passkey or an authenticator app (issue 13). */
export function RenameFactorDialog({
  factor,
  onOpenChange,
}: {
  factor: { id: string; name: string };
  onOpenChange(open: boolean): void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const rename = useRenameFactor();
  const [name, setName] = useState(factor.name);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate(
      { id: factor.id, name },
      {
        onSuccess: (renamed) => {
          toast(t('mfa.rename.done', { name: renamed.name }));
          onOpenChange(false);
        },
      },
    );
  };
  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      title={t('mfa.rename.title', { name: factor.name })}
      description={t('mfa.rename.description')}
    >
      <form className="form" onSubmit={submit}>
        <TextField
          label={t('mfa.rename.label')}
          name="factor-name"
          autoComplete="off"
          required
          maxLength={MAX_NAME}
          hint={t('mfa.rename.hint')}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        {rename.isError ? <ErrorMessage error={rename.error} /> : null}
        <div className="dialog-actions">
          <DialogClose asChild>
            <Button>{t('common.cancel')}</Button>
          </DialogClose>
          <Button type="submit" variant="primary" loading={rename.isPending}>
            {t('mfa.rename.save')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
