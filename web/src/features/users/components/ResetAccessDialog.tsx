import { useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { Dialog, DialogClose } from '../../../components/Dialog';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { TextAreaField } from '../../../components/TextField';
import type { User } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { useResetAccess } from '../api/people';
import { ChoiceGroup } from './TemporaryPasswordChoice';

type Scope = 'factors' | 'all';
type Delivery = 'send' | 'copy';
type Result = { expiresAt: string; link: string | null };

const firstName = (user: User) => user.name.split(/\s+/)[0] || user.name;

/**
 * Reset access (issue 13): the admin chooses what to reset (two-step verification only, or the
 * password too), gives a reason (audited, and told to the user), and sends or copies the single-use
 * enrollment link (24 h, any device). Nothing of the user's factors is ever shown.
 */
export function ResetAccessDialog({
  user,
  onOpenChange,
  returnFocus,
}: {
  user: User;
  onOpenChange(open: boolean): void;
  returnFocus?: RefObject<HTMLElement | null>;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      size="lg"
      title={t('userlist.resetAccess.title', { name: user.name })}
      description={user.email}
    >
      <ResetAccessFlow user={user} onDone={() => onOpenChange(false)} />
    </Dialog>
  );
}

function ResetAccessFlow({ user, onDone }: { user: User; onDone(): void }) {
  const { t } = useTranslation();
  const [scope, setScope] = useState<Scope>('factors');
  const [delivery, setDelivery] = useState<Delivery>('send');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const reset = useResetAccess();
  const name = firstName(user);

  if (result) {
    return (
      <div className="form">
        <Notice tone="success" title={t('userlist.resetAccess.done')}>
          <p>
            {result.link
              ? t('userlist.resetAccess.linkBody', { name, until: formatDateTime(result.expiresAt) })
              : t('userlist.resetAccess.sentBody', {
                  email: user.email,
                  until: formatDateTime(result.expiresAt),
                })}
          </p>
        </Notice>
        {result.link ? (
          <>
            <CopyField label={t('userlist.resetAccess.link')} value={result.link} />
            <p className="warning-text">{t('userlist.resetAccess.linkOnce')}</p>
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

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A previous attempt's server error goes as soon as the admin tries again.
    reset.reset();
    setTried(true);
    if (reason.trim() === '') return;
    reset.mutate(
      { id: user.id, scope, reason: reason.trim(), send: delivery === 'send' },
      { onSuccess: (data) => setResult({ expiresAt: data.expiresAt, link: data.link ?? null }) },
    );
  };

  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-label={t('userlist.resetAccess.title', { name: user.name })}
    >
      <ChoiceGroup<Scope>
        legend={t('userlist.resetAccess.scope')}
        value={scope}
        onChange={setScope}
        options={[
          {
            value: 'factors',
            title: t('userlist.resetAccess.scopeFactors'),
            body: t('userlist.resetAccess.scopeFactorsBody'),
          },
          {
            value: 'all',
            title: t('userlist.resetAccess.scopeAll'),
            body: t('userlist.resetAccess.scopeAllBody'),
          },
        ]}
      />
      <TextAreaField
        label={t('userlist.resetAccess.reason')}
        hint={t('userlist.resetAccess.reasonHint', { name })}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={500}
        rows={2}
        required
        error={tried && reason.trim() === '' ? t('userlist.resetAccess.reasonRequired') : undefined}
      />
      <ChoiceGroup<Delivery>
        legend={t('userlist.resetAccess.how')}
        value={delivery}
        onChange={setDelivery}
        options={[
          {
            value: 'send',
            title: t('userlist.resetAccess.send'),
            body: t('userlist.resetAccess.sendBody', { email: user.email }),
          },
          { value: 'copy', title: t('userlist.resetAccess.copy'), body: t('userlist.resetAccess.copyBody') },
        ]}
      />
      <div className="consequences">
        <p className="consequences-title">{t('userlist.resetAccess.whatHappens')}</p>
        <ul>
          <li>{t('userlist.resetAccess.consequences.signedOut', { name })}</li>
          <li>{t('userlist.resetAccess.consequences.notified')}</li>
          <li>{t('userlist.resetAccess.consequences.link')}</li>
          <li>{t('userlist.resetAccess.noSecret')}</li>
        </ul>
      </div>
      {reset.isError ? <ErrorMessage error={reset.error} title={t('userlist.resetAccess.failed')} /> : null}
      <div className="dialog-actions">
        <DialogClose asChild>
          <Button>{t('common.cancel')}</Button>
        </DialogClose>
        <Button type="submit" variant="danger" loading={reset.isPending}>
          {t('userlist.resetAccess.submit')}
        </Button>
      </div>
    </form>
  );
}
