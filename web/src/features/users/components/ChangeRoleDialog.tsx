import { useId, useState, type FormEvent, type RefObject } from 'react';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useToast } from '../../../components/Toast';
import type { Role, User } from '../../../lib/api';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from '../../../lib/format';
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
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={`Change role for ${user.name}`}
      description={user.email}
    >
      {open ? <ChangeRoleForm key={user.id} user={user} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function ChangeRoleForm({ user, onDone }: { user: User; onDone(): void }) {
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
          toast(
            `${updated.name} is now ${ROLE_LABELS[updated.role].toLowerCase() === 'admin' ? 'an' : 'a'} ${ROLE_LABELS[updated.role]}.`,
          );
          onDone();
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={submit}>
      <fieldset className="choice-group">
        <legend className="field-label">Role</legend>
        {ROLES.map((r) => (
          <label key={r} className="choice" data-checked={role === r || undefined}>
            <input type="radio" name={groupName} value={r} checked={role === r} onChange={() => setRole(r)} />
            <span className="choice-text">
              <span className="choice-title">
                {ROLE_LABELS[r]}
                {r === user.role ? <span className="muted"> (current)</span> : null}
              </span>
              <span className="choice-body">{ROLE_DESCRIPTIONS[r]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="field-hint">
        The change applies at once, on their next request. They get an email about it.
      </p>
      {change.isError ? <ErrorMessage error={change.error} title="The role was not changed" /> : null}
      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" loading={change.isPending} disabled={role === user.role}>
          Change role
        </Button>
      </div>
    </form>
  );
}
