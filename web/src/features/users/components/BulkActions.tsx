import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { SelectField } from '../../../components/TextField';
import type { Role } from '../../../lib/api';
import { messageForCode } from '../../../lib/errors';
import { roleLabel } from '../../../lib/format';
import { personId, useBulkPeople, type BulkResult, type Person } from '../api/people';

type Action = 'resend' | 'revoke' | 'role' | 'deactivate';
const ROLES: Role[] = ['admin', 'member', 'viewer'];
const FOR_INVITATIONS: Record<Action, boolean> = {
  resend: true,
  revoke: true,
  role: false,
  deactivate: false,
};

const nameOf = (person: Person) =>
  person.kind === 'user' ? person.user.name : (person.invitation.name ?? person.invitation.email);

/**
 * The bar over Manage users' table while rows are selected: resend or revoke the selected invitations,
 * change the role of or deactivate the selected users, each confirmed with its count ("Deactivate 12
 * users?"). The answer says how many succeeded and lists each refusal with its reason.
 */
export function BulkActions({ selected, onClear }: { selected: Person[]; onClear(): void }) {
  const { t } = useTranslation();
  const [action, setAction] = useState<Action | null>(null);
  const invitations = selected.filter((p) => p.kind === 'invitation').length;
  const users = selected.length - invitations;
  if (selected.length === 0) return null;
  return (
    <div className="bulk-bar" role="region" aria-label={t('userlist.bulkLabel')}>
      <span className="bulk-bar-count" aria-live="polite">
        {t('userlist.selected', { count: selected.length })}
      </span>
      {invitations > 0 ? (
        <>
          <Button size="sm" onClick={() => setAction('resend')}>
            {t('userlist.bulk.resend')}
          </Button>
          <Button size="sm" onClick={() => setAction('revoke')}>
            {t('userlist.bulk.revoke')}
          </Button>
        </>
      ) : null}
      {users > 0 ? (
        <>
          <Button size="sm" onClick={() => setAction('role')}>
            {t('userlist.bulk.role')}
          </Button>
          <Button size="sm" variant="danger" onClick={() => setAction('deactivate')}>
            {t('userlist.bulk.deactivate')}
          </Button>
        </>
      ) : null}
      <Button size="sm" variant="ghost" onClick={onClear}>
        {t('userlist.clearSelection')}
      </Button>
      {action ? (
        <BulkDialog
          action={action}
          selected={selected}
          onClose={(done) => {
            setAction(null);
            if (done) onClear();
          }}
        />
      ) : null}
    </div>
  );
}

function BulkDialog({
  action,
  selected,
  onClose,
}: {
  action: Action;
  selected: Person[];
  onClose(done: boolean): void;
}) {
  const { t } = useTranslation();
  const [role, setRole] = useState<Role>('member');
  const [result, setResult] = useState<BulkResult | null>(null);
  const bulk = useBulkPeople();
  const targets = selected.filter((p) => (p.kind === 'invitation') === FOR_INVITATIONS[action]);
  const count = targets.length;
  const skipped = selected.length - count;
  const names = new Map(selected.map((p) => [personId(p), nameOf(p)]));

  const confirm = () => {
    bulk.reset();
    const ids = targets.map(personId);
    bulk.mutate(action === 'role' ? { action, role, ids } : { action, ids }, { onSuccess: setResult });
  };

  return (
    <Dialog
      open
      onOpenChange={(open) => {
        if (!open) onClose(result !== null);
      }}
      title={result ? t('userlist.bulk.resultTitle') : t(`userlist.bulk.${action}Title`, { count })}
    >
      {result ? (
        <div className="form">
          <Notice
            tone={result.refused.length > 0 ? 'warning' : 'success'}
            title={t('userlist.bulk.succeeded', { count: result.succeeded.length })}
          >
            {result.refused.length > 0 ? (
              <>
                <p>{t('userlist.bulk.refused', { count: result.refused.length })}</p>
                <ul className="bulk-refused">
                  {result.refused.map((r) => (
                    <li key={r.id}>
                      {t('userlist.bulk.refusedItem', {
                        name: names.get(r.id) ?? r.id,
                        reason: messageForCode(r.code, r.message),
                      })}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </Notice>
          <div className="dialog-actions">
            <Button variant="primary" onClick={() => onClose(true)} autoFocus>
              {t('common.done')}
            </Button>
          </div>
        </div>
      ) : (
        <div className="form">
          <div className="dialog-text">
            <p>{t(`userlist.bulk.${action}Body`)}</p>
            {skipped > 0 ? <p className="muted">{t('userlist.bulk.skipped', { count: skipped })}</p> : null}
          </div>
          {action === 'role' ? (
            <SelectField
              label={t('userlist.bulk.newRole')}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              options={ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
            />
          ) : null}
          {bulk.isError ? <ErrorMessage error={bulk.error} title={t('userlist.bulk.failed')} /> : null}
          <div className="dialog-actions">
            <DialogClose asChild>
              <Button>{t('common.cancel')}</Button>
            </DialogClose>
            <Button
              variant={action === 'deactivate' || action === 'revoke' ? 'danger' : 'primary'}
              loading={bulk.isPending}
              onClick={confirm}
            >
              {t(`userlist.bulk.${action}`)}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
