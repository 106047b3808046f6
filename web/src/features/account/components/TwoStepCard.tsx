import QRCode from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { PasswordField } from '../../../components/PasswordField';
import { TextField } from '../../../components/TextField';
import { useToast } from '../../../components/Toast';
import { isApiError } from '../../../lib/api';
import { copyText } from '../../../lib/clipboard';
import { formatDate } from '../../../lib/format';
import {
  useConfirmTotp,
  useMyFactors,
  useReauthenticate,
  useRegenerateCodes,
  useRemoveFactor,
  useStartTotp,
} from '../api';
import { useReauthenticateWithPasskey } from '../api/passkeys';
import { PasskeysSection } from './PasskeysSection';
import { FactorRowActions } from './FactorRowActions';
import { RenameFactorDialog } from './RenameFactorDialog';

/** The key in groups of four, as people type it into an app. */
const grouped = (key: string) => key.replace(/(.{4})/g, '$1 ').trim();

/** My account → Two-step verification: authenticator apps, recovery codes (issue 13). */
export function TwoStepCard({ email, onEnrolled }: { email: string; onEnrolled?(): void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const factors = useMyFactors();
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const remove = useRemoveFactor();
  const regenerate = useRegenerateCodes();
  const [pending, setPending] = useState<{ id: string; secret: string; otpauthUri: string } | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  // A change refused for an old authentication waits here while the password is asked again.
  const [retry, setRetry] = useState<(() => void) | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);

  useEffect(() => {
    if (!pending) return setQr(null);
    // An SVG drawn as a data: image: allowed by the strict CSP (img-src 'self' data:), no inline style.
    void QRCode.toString(pending.otpauthUri, { type: 'svg', margin: 1 }).then((svg) =>
      setQr(`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`),
    );
  }, [pending]);

  const stepUp = (action: () => void) => (error: unknown) => {
    if (isApiError(error) && error.code === 'reauthentication_required') setRetry(() => action);
  };
  const startTotp = () => start.mutate(undefined, { onSuccess: setPending, onError: stepUp(startTotp) });
  const regenerateCodes = () => {
    if (!window.confirm(t('mfa.regenerateConfirm'))) return;
    regenerate.mutate(undefined, {
      onSuccess: (r) => setCodes(r.codes),
      onError: stepUp(() => regenerate.mutate(undefined, { onSuccess: (r) => setCodes(r.codes) })),
    });
  };
  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    if (!pending) return;
    confirm.mutate(
      { id: pending.id, code },
      {
        onSuccess: (result) => {
          setPending(null);
          setCode('');
          toast(t('mfa.added'));
          if (result.recoveryCodes) setCodes(result.recoveryCodes);
          else onEnrolled?.();
        },
      },
    );
  };

  const list = factors.data;
  return (
    <div className="stack">
      {factors.isError ? <ErrorMessage error={factors.error} onRetry={() => void factors.refetch()} /> : null}
      {retry ? (
        <Reauthenticate
          withPasskey={(list?.passkeys.length ?? 0) > 0}
          onDone={() => (retry(), setRetry(null))}
          onCancel={() => setRetry(null)}
        />
      ) : null}
      {list && list.totp.length === 0 && list.passkeys.length === 0 && !pending ? (
        <p className="muted">{t('mfa.off')}</p>
      ) : null}
      {list && list.totp.length > 0 ? (
        <ul className="list" aria-label={t('mfa.authenticatorApps')}>
          {list.totp.map((f) => (
            <li key={f.id} className="list-row">
              <span>
                {f.name}{' '}
                <span className="muted">
                  {t('mfa.addedOn', { date: formatDate(f.createdAt) })}
                  {f.lastUsedAt ? ` · ${t('mfa.lastUsed', { date: formatDate(f.lastUsedAt) })}` : ''}
                </span>
              </span>
              <FactorRowActions
                onRename={() => setRenaming(f)}
                removing={remove.isPending}
                onRemove={() => {
                  if (!window.confirm(t('mfa.removeConfirm', { name: f.name }))) return;
                  const run = () => remove.mutate(f.id, { onSuccess: () => toast(t('mfa.removed')) });
                  remove.mutate(f.id, { onSuccess: () => toast(t('mfa.removed')), onError: stepUp(run) });
                }}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {remove.isError && !retry ? <ErrorMessage error={remove.error} /> : null}
      {renaming ? (
        <RenameFactorDialog factor={renaming} onOpenChange={(open) => !open && setRenaming(null)} />
      ) : null}
      {pending ? (
        <form className="form" onSubmit={submitCode} aria-label={t('mfa.scanTitle')}>
          <p className="field-label">{t('mfa.scanTitle')}</p>
          {qr ? <img src={qr} alt={t('mfa.qrLabel')} width={192} height={192} /> : null}
          <p className="muted">{t('mfa.scanHint')}</p>
          <p className="mono" data-testid="totp-key" aria-label={t('mfa.keyLabel')}>
            {grouped(pending.secret)}
          </p>
          {confirm.isError ? <ErrorMessage error={confirm.error} /> : null}
          <TextField
            label={t('mfa.codeLabel')}
            name="totp-code"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <div className="form-actions">
            <Button type="submit" variant="primary" loading={confirm.isPending}>
              {t('mfa.confirm')}
            </Button>
            <Button onClick={() => setPending(null)}>{t('common.cancel')}</Button>
          </div>
        </form>
      ) : (
        <div className="form-actions">
          <Button onClick={startTotp} loading={start.isPending}>
            {t('mfa.addApp')}
          </Button>
        </div>
      )}
      {start.isError && !retry ? <ErrorMessage error={start.error} /> : null}
      {list ? (
        <PasskeysSection
          passkeys={list.passkeys}
          onStepUp={(action) => setRetry(() => action)}
          onCodes={setCodes}
        />
      ) : null}
      {codes ? (
        <RecoveryCodes
          codes={codes}
          email={email}
          onDone={() => {
            setCodes(null);
            onEnrolled?.();
          }}
        />
      ) : null}
      {list?.recoveryCodes ? (
        <div className="form-inline">
          <p>{t('mfa.recoveryRemaining', { count: list.recoveryCodes.remaining })}</p>
          <Button size="sm" onClick={regenerateCodes} loading={regenerate.isPending}>
            {t('mfa.regenerate')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** The codes, shown this once, with copy, download (.txt) and print. */
function RecoveryCodes({ codes, email, onDone }: { codes: string[]; email: string; onDone(): void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const text = `${t('mfa.codesFileHeader', { email })}\n\n${codes.join('\n')}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'gatehouse-recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section aria-label={t('mfa.recoveryTitle')} className="stack">
      <p className="field-label">{t('mfa.recoveryTitle')}</p>
      <p className="muted">{t('mfa.recoveryShowOnce')}</p>
      <ol className="mono" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="form-actions">
        <Button onClick={async () => setCopied(await copyText(text))}>
          {copied ? t('mfa.copied') : t('mfa.copyCodes')}
        </Button>
        <Button onClick={download}>{t('mfa.downloadCodes')}</Button>
        <Button onClick={() => window.print()}>{t('mfa.printCodes')}</Button>
        <Button variant="primary" onClick={onDone}>
          {t('common.done')}
        </Button>
      </div>
    </section>
  );
}

/** The step-up dialog: the password again, or a passkey (SEC-MFA-07). */
function Reauthenticate({
  withPasskey,
  onDone,
  onCancel,
}: {
  withPasskey: boolean;
  onDone(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const reauth = useReauthenticate();
  const passkey = useReauthenticateWithPasskey();
  return (
    <form
      className="form"
      aria-label={t('mfa.reauthTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        reauth.mutate(password, { onSuccess: onDone, onError: () => setPassword('') });
      }}
    >
      <p className="field-label">{t('mfa.reauthTitle')}</p>
      <p className="muted">{t('mfa.reauthDescription')}</p>
      {reauth.isError ? <ErrorMessage error={reauth.error} /> : null}
      {passkey.isError ? <ErrorMessage error={passkey.error} /> : null}
      <PasswordField
        label={t('mfa.reauthPassword')}
        name="reauth-password"
        autoComplete="current-password"
        required
        autoFocus
        value={password}
        onChange={setPassword}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={reauth.isPending}>
          {t('mfa.reauthSubmit')}
        </Button>
        {withPasskey ? (
          <Button
            loading={passkey.isPending}
            onClick={() => passkey.mutate(undefined, { onSuccess: onDone })}
          >
            {t('passkeys.reauthWithPasskey')}
          </Button>
        ) : null}
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
