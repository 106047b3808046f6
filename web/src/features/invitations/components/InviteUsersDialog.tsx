import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { MailIcon } from '../../../components/icons';
import { SelectField, TextAreaField } from '../../../components/TextField';
import type { Role } from '../../../lib/api';
import { messageForCode } from '../../../lib/errors';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from '../../../lib/format';
import { useInvite, type InviteResult } from '../api';

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
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" icon={<MailIcon />} onClick={() => setOpen(true)}>
        Invite users
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Invite users"
        description="Each person gets an email with a link to join. Links work once, for 72 hours."
      >
        {open ? <InviteForm onDone={() => setOpen(false)} /> : null}
      </Dialog>
    </>
  );
}

function InviteForm({ onDone }: { onDone(): void }) {
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [problem, setProblem] = useState<string | null>(null);
  const invite = useInvite();
  const { valid, invalid } = parseAddresses(text);

  if (invite.isSuccess) return <InviteResults results={invite.data} onDone={onDone} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid.length === 0 && invalid.length === 0) return setProblem('Enter at least one email address.');
    if (invalid.length > 0)
      return setProblem(
        `${invalid.length === 1 ? 'This is not' : 'These are not'} an email address: ${invalid.slice(0, 5).join(', ')}${invalid.length > 5 ? '…' : ''}`,
      );
    if (valid.length > MAX_ADDRESSES) return setProblem(`Invite at most ${MAX_ADDRESSES} people at a time.`);
    setProblem(null);
    invite.mutate(valid.map((email) => ({ email, role })));
  };

  return (
    <form className="form" onSubmit={submit}>
      <TextAreaField
        label="Email addresses"
        hint="One or more, separated by commas, spaces or new lines."
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
        label="Role"
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        hint={ROLE_DESCRIPTIONS[role]}
        options={(['member', 'viewer', 'admin'] as const).map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
      />
      {invite.isError ? <ErrorMessage error={invite.error} title="No invitation was sent" /> : null}
      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" loading={invite.isPending}>
          {valid.length > 1 ? `Send ${valid.length} invitations` : 'Send invitation'}
        </Button>
      </div>
    </form>
  );
}

function InviteResults({ results, onDone }: { results: InviteResult[]; onDone(): void }) {
  const created = results.filter((r) => r.status === 'created');
  const failed = results.filter((r) => r.status === 'error');
  return (
    <div className="form">
      {created.length > 0 ? (
        <Notice
          tone="success"
          title={created.length === 1 ? 'Invitation sent' : `${created.length} invitations sent`}
        >
          <p>
            {created.length === 1
              ? `${created[0]?.email} will get an email with a link to join.`
              : 'Each person will get an email with a link to join.'}
          </p>
        </Notice>
      ) : null}
      {failed.length > 0 ? (
        <div className="alert alert-error" role="alert">
          <div className="alert-content">
            <p className="alert-title">
              {failed.length === 1
                ? 'One address was not invited'
                : `${failed.length} addresses were not invited`}
            </p>
            <ul className="result-list">
              {failed.map((r) => (
                <li key={r.index}>
                  <strong>{r.email ?? `Row ${r.index + 1}`}</strong>: {messageForCode(r.code, r.message)}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <div className="dialog-actions">
        <Button variant="primary" onClick={onDone} autoFocus>
          Done
        </Button>
      </div>
    </div>
  );
}
