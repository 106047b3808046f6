import { useId, useState, type FormEvent, type RefObject } from 'react';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import type { User } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { checkPassword, DEFAULT_POLICY } from '../../../lib/password-policy';
import { useCreateResetLink, useOrganizationPolicy, useResetUserPassword } from '../api';

type Method = 'type' | 'generate' | 'email' | 'copy';

type Result =
  | { kind: 'typed' }
  | { kind: 'generated'; password: string }
  | { kind: 'emailed'; expiresAt: string }
  | { kind: 'link'; link: string; expiresAt: string };

const firstName = (user: User) => user.name.split(/\s+/)[0] || user.name;

/**
 * The Reset password dialog of Manage users: type or generate a temporary password, or email or copy
 * a reset link. It says what will happen before anything happens, shows a generated password or a
 * link exactly once, and puts server errors (policy, guard rails) in plain words inside the dialog.
 */
export function ResetPasswordDialog({
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
      size="lg"
      title={`Reset password for ${user.name}`}
      description={user.email}
    >
      {open ? <ResetPasswordFlow key={user.id} user={user} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function ResetPasswordFlow({ user, onDone }: { user: User; onDone(): void }) {
  const groupName = useId();
  const [method, setMethod] = useState<Method>('type');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const settings = useOrganizationPolicy();
  const resetPassword = useResetUserPassword();
  const resetLink = useCreateResetLink();
  const pending = resetPassword.isPending || resetLink.isPending;
  const error = method === 'type' || method === 'generate' ? resetPassword.error : resetLink.error;

  const policy = {
    minLength: settings.data?.passwordMinLength ?? DEFAULT_POLICY.minLength,
    maxLength: DEFAULT_POLICY.maxLength,
    context: { email: user.email, name: user.name, organizationName: settings.data?.organizationName },
  };
  const check = checkPassword(password, policy);
  const hours = settings.data?.temporaryPasswordHours ?? 72;
  const name = firstName(user);

  if (result) return <ResetResult user={user} result={result} hours={hours} onDone={onDone} />;

  const choose = (next: Method) => {
    setMethod(next);
    resetPassword.reset();
    resetLink.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (method === 'type') {
      setTried(true);
      if (!check.ok) return;
      resetPassword.mutate({ id: user.id, password }, { onSuccess: () => setResult({ kind: 'typed' }) });
    } else if (method === 'generate') {
      resetPassword.mutate(
        { id: user.id, generate: true },
        { onSuccess: (data) => setResult({ kind: 'generated', password: data.generatedPassword ?? '' }) },
      );
    } else {
      resetLink.mutate(
        { id: user.id, send: method === 'email' },
        {
          onSuccess: (data) =>
            setResult(
              data.link
                ? { kind: 'link', link: data.link, expiresAt: data.expiresAt }
                : { kind: 'emailed', expiresAt: data.expiresAt },
            ),
        },
      );
    }
  };

  const options: Array<{ value: Method; title: string; body: string }> = [
    {
      value: 'type',
      title: 'Type a new password',
      body: `You choose a temporary password and give it to ${name}.`,
    },
    {
      value: 'generate',
      title: 'Generate a password',
      body: 'Gatehouse creates a strong temporary password and shows it to you once.',
    },
    {
      value: 'email',
      title: 'Email a reset link',
      body: `${name} gets an email with a link to choose a new password.`,
    },
    { value: 'copy', title: 'Copy a reset link', body: `You get a link to pass on to ${name} yourself.` },
  ];

  const consequences =
    method === 'type' || method === 'generate'
      ? [
          `${name} is signed out everywhere: all of their sessions end now.`,
          `They must choose a new password the next time they sign in. The temporary password expires after ${hours} hours.`,
          'They get an email saying their password was reset. The password itself is never emailed.',
        ]
      : [
          method === 'email'
            ? `We email ${user.email} a link to choose a new password. It works once, for 24 hours.`
            : 'You get a link to pass on. It works once, for 24 hours, and is shown only once.',
          'Their current password keeps working until the link is used; then all of their sessions end.',
          'Any reset link sent earlier stops working.',
        ];

  const confirmLabel = {
    type: 'Reset password',
    generate: 'Generate password',
    email: 'Send reset link',
    copy: 'Create reset link',
  }[method];

  return (
    <form onSubmit={submit} className="form" aria-label={`Reset password for ${user.name}`}>
      <fieldset className="choice-group">
        <legend className="field-label">How do you want to reset it?</legend>
        {options.map((option) => (
          <label key={option.value} className="choice" data-checked={method === option.value || undefined}>
            <input
              type="radio"
              name={groupName}
              value={option.value}
              checked={method === option.value}
              onChange={() => choose(option.value)}
            />
            <span className="choice-text">
              <span className="choice-title">{option.title}</span>
              <span className="choice-body">{option.body}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {method === 'type' ? (
        <PasswordField
          label="New temporary password"
          name="new-password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          policy={policy}
          error={tried && !check.ok ? 'This password does not meet the requirements yet.' : undefined}
        />
      ) : null}

      <div className="consequences">
        <p className="consequences-title">What will happen</p>
        <ul>
          {consequences.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>

      {error ? (
        <ErrorMessage
          error={error}
          title="The password was not reset"
          overrides={{
            password_contains_context: `The password must not contain ${name}’s name or email, the organization’s name, or “gatehouse”.`,
          }}
        />
      ) : null}

      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>Cancel</Button>
        </DialogClose>
        <Button type="submit" variant="primary" loading={pending}>
          {confirmLabel}
        </Button>
      </div>
    </form>
  );
}

function ResetResult({
  user,
  result,
  hours,
  onDone,
}: {
  user: User;
  result: Result;
  hours: number;
  onDone(): void;
}) {
  const name = firstName(user);
  return (
    <div className="form">
      {result.kind === 'typed' ? (
        <Notice tone="success" title="Password reset">
          <p>
            {name} was signed out everywhere and must choose a new password the next time they sign in. Give
            them the temporary password you typed; it expires after {hours} hours.
          </p>
        </Notice>
      ) : null}
      {result.kind === 'generated' ? (
        <>
          <Notice tone="success" title="Password reset">
            <p>
              {name} was signed out everywhere. Give them this temporary password; they must choose a new one
              when they sign in. It expires after {hours} hours.
            </p>
          </Notice>
          <CopyField label="Temporary password" value={result.password} monospace />
          <p className="warning-text">This password will not be shown again.</p>
        </>
      ) : null}
      {result.kind === 'emailed' ? (
        <Notice tone="success" title="Reset link sent">
          <p>
            We emailed a reset link to {user.email}. It works once, until {formatDateTime(result.expiresAt)}.
          </p>
        </Notice>
      ) : null}
      {result.kind === 'link' ? (
        <>
          <Notice tone="success" title="Reset link created">
            <p>
              Pass this link on to {name}. It works once, until {formatDateTime(result.expiresAt)}.
            </p>
          </Notice>
          <CopyField label="Reset link" value={result.link} />
          <p className="warning-text">This link will not be shown again.</p>
        </>
      ) : null}
      <div className="dialog-actions">
        <Button variant="primary" onClick={onDone} autoFocus>
          Done
        </Button>
      </div>
    </div>
  );
}
