import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button, buttonClass } from '../../../components/Button';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { PlusIcon } from '../../../components/icons';
import { SelectField, TextField } from '../../../components/TextField';
import type { ResponseOf, Role } from '../../../lib/api';
import { roleLabel } from '../../../lib/format';
import { useCreateUser, useInviteOne } from '../api';
import {
  ChoiceGroup,
  GeneratedPassword,
  TemporaryPasswordChoice,
  useTemporaryPasswordPolicy,
} from './TemporaryPasswordChoice';

type Method = 'generate' | 'type' | 'invite';
const ROLES: Role[] = ['member', 'viewer', 'admin'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The account as created (no two-step summary yet: a new user has no factor). */
type CreatedUser = ResponseOf<'/api/v1/users', 'post'>['user'];

type Result =
  | { kind: 'generated'; user: CreatedUser; password: string }
  | { kind: 'typed'; user: CreatedUser }
  | { kind: 'invited'; email: string };

/** "Add user": the button and its dialog (issue 14, item 2). */
export function AddUserButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<PlusIcon />} onClick={() => setOpen(true)}>
        {t('addUser.button')}
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        size="lg"
        title={t('addUser.title')}
        description={t('addUser.description')}
      >
        {open ? <AddUserForm onDone={() => setOpen(false)} /> : null}
      </Dialog>
    </>
  );
}

/**
 * Name, email, role, and how the person gets in: a temporary password (generated or typed: the same
 * guarantees as Reset password — the policy applies, it expires, they must change it at first
 * sign-in, a generated one is shown once) or an invitation mailed to them instead.
 */
function AddUserForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [method, setMethod] = useState<Method>('generate');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const create = useCreateUser();
  const invite = useInviteOne();
  const { policy, check, hours } = useTemporaryPasswordPolicy({ email, name }, password);
  const nameError = tried && name.trim() === '' ? t('addUser.nameRequired') : undefined;
  const emailError = tried && !EMAIL.test(email.trim()) ? t('addUser.emailInvalid') : undefined;

  if (result) return <AddUserResult result={result} hours={hours} onDone={onDone} />;

  const choose = (next: Method) => {
    setMethod(next);
    create.reset();
    invite.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A previous attempt's server error goes as soon as the admin tries again (issue 14, minor).
    create.reset();
    invite.reset();
    setTried(true);
    if (name.trim() === '' || !EMAIL.test(email.trim())) return;
    const who = { name: name.trim(), email: email.trim(), role };
    if (method === 'invite') {
      invite.mutate(who, { onSuccess: () => setResult({ kind: 'invited', email: who.email }) });
    } else if (method === 'generate') {
      create.mutate(
        { ...who, generatePassword: true },
        {
          onSuccess: (data) =>
            setResult({ kind: 'generated', user: data.user, password: data.generatedPassword ?? '' }),
        },
      );
    } else {
      if (!check.ok) return;
      create.mutate(
        { ...who, password },
        { onSuccess: (data) => setResult({ kind: 'typed', user: data.user }) },
      );
    }
  };

  const error = method === 'invite' ? invite.error : create.error;
  const first = name.trim().split(/\s+/)[0] || t('addUser.they');

  return (
    <form className="form" onSubmit={submit} aria-label={t('addUser.title')} noValidate>
      <TextField
        label={t('addUser.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        autoComplete="off"
        error={nameError}
        required
      />
      <TextField
        label={t('addUser.email')}
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        error={emailError}
        required
      />
      <SelectField
        label={t('users.role')}
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        options={ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
      />
      <ChoiceGroup
        legend={t('addUser.how')}
        value={method}
        onChange={choose}
        options={(['generate', 'type', 'invite'] as const).map((value) => ({
          value,
          title: t(`addUser.methods.${value}`),
          body: t(`addUser.methods.${value}Body`, { count: hours }),
        }))}
      />
      {method === 'type' ? (
        <TemporaryPasswordChoice
          label={t('addUser.temporaryPassword')}
          value={password}
          onChange={setPassword}
          policy={policy}
          showError={tried && !check.ok}
        />
      ) : null}
      {error ? (
        <ErrorMessage
          error={error}
          title={method === 'invite' ? t('addUser.inviteFailed') : t('addUser.failed')}
          overrides={{ password_contains_context: t('addUser.containsContext', { name: first }) }}
        />
      ) : null}
      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>{t('common.cancel')}</Button>
        </DialogClose>
        <Button type="submit" variant="primary" loading={create.isPending || invite.isPending}>
          {method === 'invite' ? t('addUser.submitInvite') : t('addUser.submit')}
        </Button>
      </div>
    </form>
  );
}

function AddUserResult({ result, hours, onDone }: { result: Result; hours: number; onDone(): void }) {
  const { t } = useTranslation();
  return (
    <div className="form">
      {result.kind === 'invited' ? (
        <Notice tone="success" title={t('addUser.invited')}>
          <p>{t('addUser.invitedBody', { email: result.email })}</p>
        </Notice>
      ) : (
        <Notice tone="success" title={t('addUser.added', { name: result.user.name })}>
          <p>{t('addUser.addedBody', { name: result.user.name, count: hours })}</p>
        </Notice>
      )}
      {result.kind === 'generated' ? (
        <>
          <GeneratedPassword password={result.password} />
        </>
      ) : null}
      <div className="dialog-actions">
        {result.kind !== 'invited' ? (
          <Link className={buttonClass('secondary', 'md')} to={`/users/${result.user.id}`} onClick={onDone}>
            {t('addUser.openPage')}
          </Link>
        ) : null}
        <Button variant="primary" onClick={onDone} autoFocus>
          {t('common.done')}
        </Button>
      </div>
    </div>
  );
}
