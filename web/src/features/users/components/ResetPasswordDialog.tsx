import { useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import type { User } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { useCreateResetLink, useResetUserPassword } from '../api';
import {
  ChoiceGroup,
  GeneratedPassword,
  TemporaryPasswordChoice,
  useTemporaryPasswordPolicy,
} from './TemporaryPasswordChoice';

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
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      size="lg"
      title={t('users.reset.title', { name: user.name })}
      description={user.email}
    >
      {open ? <ResetPasswordFlow key={user.id} user={user} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function ResetPasswordFlow({ user, onDone }: { user: User; onDone(): void }) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<Method>('type');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const resetPassword = useResetUserPassword();
  const resetLink = useCreateResetLink();
  const pending = resetPassword.isPending || resetLink.isPending;
  const error = method === 'type' || method === 'generate' ? resetPassword.error : resetLink.error;

  const { policy, check, hours } = useTemporaryPasswordPolicy(user, password);
  const name = firstName(user);

  if (result) return <ResetResult user={user} result={result} hours={hours} onDone={onDone} />;

  const choose = (next: Method) => {
    setMethod(next);
    resetPassword.reset();
    resetLink.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A previous attempt's server error goes as soon as the admin tries again (issue 14, minor).
    resetPassword.reset();
    resetLink.reset();
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

  const options: Array<{ value: Method; title: string; body: string }> = (
    ['type', 'generate', 'email', 'copy'] as const
  ).map((value) => ({
    value,
    title: t(`users.reset.methods.${value}`),
    body: t(`users.reset.methods.${value}Body`, { name }),
  }));

  const consequences =
    method === 'type' || method === 'generate'
      ? [
          t('users.reset.consequences.signedOut', { name }),
          t('users.reset.consequences.mustChange', { count: hours }),
          t('users.reset.consequences.emailed'),
        ]
      : [
          method === 'email'
            ? t('users.reset.consequences.linkEmailed', { email: user.email })
            : t('users.reset.consequences.linkCopied'),
          t('users.reset.consequences.linkKeeps'),
          t('users.reset.consequences.linkReplaces'),
        ];

  const confirmLabel = t(`users.reset.confirm.${method}`);

  return (
    <form onSubmit={submit} className="form" aria-label={t('users.reset.title', { name: user.name })}>
      <ChoiceGroup legend={t('users.reset.how')} value={method} onChange={choose} options={options} />

      {method === 'type' ? (
        <TemporaryPasswordChoice
          label={t('users.reset.newTemporary')}
          value={password}
          onChange={setPassword}
          policy={policy}
          showError={tried && !check.ok}
        />
      ) : null}

      <div className="consequences">
        <p className="consequences-title">{t('users.reset.whatHappens')}</p>
        <ul>
          {consequences.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>

      {error ? (
        <ErrorMessage
          error={error}
          title={t('users.reset.failed')}
          overrides={{
            password_contains_context: t('users.reset.containsContext', { name }),
          }}
        />
      ) : null}

      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>{t('common.cancel')}</Button>
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
  const { t } = useTranslation();
  const name = firstName(user);
  return (
    <div className="form">
      {result.kind === 'typed' ? (
        <Notice tone="success" title={t('users.reset.done')}>
          <p>{t('users.reset.typedResult', { name, count: hours })}</p>
        </Notice>
      ) : null}
      {result.kind === 'generated' ? (
        <>
          <Notice tone="success" title={t('users.reset.done')}>
            <p>{t('users.reset.generatedResult', { name, count: hours })}</p>
          </Notice>
          <GeneratedPassword password={result.password} />
        </>
      ) : null}
      {result.kind === 'emailed' ? (
        <Notice tone="success" title={t('users.reset.linkSent')}>
          <p>
            {t('users.reset.linkSentBody', { email: user.email, until: formatDateTime(result.expiresAt) })}
          </p>
        </Notice>
      ) : null}
      {result.kind === 'link' ? (
        <>
          <Notice tone="success" title={t('users.reset.linkCreated')}>
            <p>{t('users.reset.linkCreatedBody', { name, until: formatDateTime(result.expiresAt) })}</p>
          </Notice>
          <CopyField label={t('users.reset.link')} value={result.link} />
          <p className="warning-text">{t('users.reset.linkOnce')}</p>
        </>
      ) : null}
      <div className="dialog-actions">
        <Button variant="primary" onClick={onDone} autoFocus>
          {t('common.done')}
        </Button>
      </div>
    </div>
  );
}
