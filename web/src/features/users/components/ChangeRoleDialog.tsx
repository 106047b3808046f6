import { useId, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useToast } from '../../../components/Toast';
import type { Role, User } from '../../../lib/api';
import { roleDescription, roleLabel } from '../../../lib/format';
import { useChangeRole } from '../api';

const ROLES: Role[] = ['admin', 'member', 'viewer'];

export function ChangeRoleDialog({
  user,
  open,
  onOpenChange,
  returnFocus,
}: {
  user: User;
  open: boolean;
  onOpenChange(open: boolean): void;
  returnFocus?: RefObject<HTMLElement | null>;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={t('users.changeRole.title', { name: user.name })}
      description={user.email}
    >
      {open ? <ChangeRoleForm key={user.id} user={user} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function ChangeRoleForm({ user, onDone }: { user: User; onDone(): void }) {
  const { t } = useTranslation();
  const groupName = useId();
  const [role, setRole] = useState<Role>(user.role);
  const change = useChangeRole();
  const toast = useToast();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { id: user.id, role },
      {
        onSuccess: (updated) => {
          toast(t(`users.changeRole.done_${updated.role}`, { name: updated.name }));
          onDone();
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={submit}>
      <fieldset className="choice-group">
        <legend className="field-label">{t('users.role')}</legend>
        {ROLES.map((r) => (
          <label key={r} className="choice" data-checked={role === r || undefined}>
            <input type="radio" name={groupName} value={r} checked={role === r} onChange={() => setRole(r)} />
            <span className="choice-text">
              <span className="choice-title">
                {roleLabel(r)}
                {r === user.role ? <span className="muted"> {t('users.changeRole.current')}</span> : null}
              </span>
              <span className="choice-body">{roleDescription(r)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="field-hint">{t('users.changeRole.hint')}</p>
      {change.isError ? <ErrorMessage error={change.error} title={t('users.changeRole.failed')} /> : null}
      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>{t('common.cancel')}</Button>
        </DialogClose>
        <Button type="submit" variant="primary" loading={change.isPending} disabled={role === user.role}>
          {t('users.changeRole.submit')}
        </Button>
      </div>
    </form>
  );
}
