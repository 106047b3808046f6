import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { MailIcon } from '../../../components/icons';
import { SelectField, TextAreaField } from '../../../components/TextField';
import type { Me, Role } from '../../../lib/api';
import { useOutletContext } from 'react-router';
import { messageForCode } from '../../../lib/errors';
import { roleDescription, roleLabel } from '../../../lib/format';
import { useInvite, type InviteResult } from '../api';
import { InvitationLinks } from './InvitationLinks';

const MAX_ADDRESSES = 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseAddresses(text: string): { valid: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const address = raw.trim().replace(/^<|>$/g, '').toLowerCase();
    if (!address || seen.has(address)) continue;
    seen.add(address);
    (EMAIL.test(address) ? valid : invalid).push(address);
  }
  return { valid, invalid };
}

/** "Invite users": the button and its dialog (one or many addresses, one role). */
export function InviteUsersButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" icon={<MailIcon />} onClick={() => setOpen(true)}>
        {t('invitations.invite.title')}
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={t('invitations.invite.title')}
        description={t('invitations.invite.description')}
      >
        {open ? <InviteForm onDone={() => setOpen(false)} /> : null}
      </Dialog>
    </>
  );
}

function InviteForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  // Members may invite members and viewers, never admins (the server refuses it too).
  const isAdmin = useOutletContext<Me | undefined>()?.user.role === 'admin';
  const roles = isAdmin ? (['member', 'viewer', 'admin'] as const) : (['member', 'viewer'] as const);
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [problem, setProblem] = useState<string | null>(null);
  const invite = useInvite();
  const { valid, invalid } = parseAddresses(text);

  if (invite.isSuccess) return <InviteResults results={invite.data} onDone={onDone} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid.length === 0 && invalid.length === 0) return setProblem(t('invitations.invite.none'));
    if (invalid.length > 0)
      return setProblem(
        t('invitations.invite.invalid', {
          count: invalid.length,
          addresses: `${invalid.slice(0, 5).join(', ')}${invalid.length > 5 ? '…' : ''}`,
        }),
      );
    if (valid.length > MAX_ADDRESSES)
      return setProblem(t('invitations.invite.tooMany', { count: MAX_ADDRESSES }));
    setProblem(null);
    invite.mutate(valid.map((email) => ({ email, role })));
  };

  return (
    <form className="form" onSubmit={submit}>
      <TextAreaField
        label={t('invitations.invite.addresses')}
        hint={t('invitations.invite.addressesHint')}
        rows={4}
        autoFocus
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        error={problem}
        autoCapitalize="off"
        spellCheck={false}
      />
      <SelectField
        label={t('users.role')}
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        hint={roleDescription(role)}
        options={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
      />
      {invite.isError ? <ErrorMessage error={invite.error} title={t('invitations.invite.failed')} /> : null}
      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>{t('common.cancel')}</Button>
        </DialogClose>
        <Button type="submit" variant="primary" loading={invite.isPending}>
          {t('invitations.invite.submit', { count: Math.max(valid.length, 1) })}
        </Button>
      </div>
    </form>
  );
}

function InviteResults({ results, onDone }: { results: InviteResult[]; onDone(): void }) {
  const { t } = useTranslation();
  // Copy link is for admins: a link in hand is an account for whoever holds it (members only mail).
  const isAdmin = useOutletContext<Me | undefined>()?.user.role === 'admin';
  const created = results.filter((r) => r.status === 'created');
  const failed = results.filter((r) => r.status === 'error');
  return (
    <div className="form">
      {created.length > 0 ? (
        <Notice tone="success" title={t('invitations.invite.sent', { count: created.length })}>
          <p>
            {created.length === 1
              ? t('invitations.invite.sentOne', { email: created[0]?.email })
              : t('invitations.invite.sentMany')}
          </p>
        </Notice>
      ) : null}
      {created.length > 0 && isAdmin ? (
        <InvitationLinks ids={created.flatMap((r) => (r.invitation ? [r.invitation.id] : []))} />
      ) : null}
      {failed.length > 0 ? (
        <div className="alert alert-error" role="alert">
          <div className="alert-content">
            <p className="alert-title">{t('invitations.invite.notInvited', { count: failed.length })}</p>
            <ul className="result-list">
              {failed.map((r) => (
                <li key={r.index}>
                  {t('invitations.invite.rowProblem', {
                    address: r.email ?? t('invitations.invite.row', { row: r.index + 1 }),
                    problem: messageForCode(r.code, r.message),
                  })}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <div className="dialog-actions">
        <Button variant="primary" onClick={onDone} autoFocus>
          {t('common.done')}
        </Button>
      </div>
    </div>
  );
}
