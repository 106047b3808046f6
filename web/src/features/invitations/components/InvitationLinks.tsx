import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../../components/Button';
import { CopyField } from '../../../components/CopyField';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { CopyIcon } from '../../../components/icons';
import { copyText } from '../../../lib/clipboard';
import { formatDateTime } from '../../../lib/format';
import { useInvitationLinks } from '../api';

type Link = { id: string; email: string; name: string | null; link: string; expiresAt: string };

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; formulas neutralized. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function linksCsv(links: Link[]): string {
  return [
    'name,email,link',
    ...links.map((l) => [l.name ?? '', l.email, l.link].map(csvField).join(',')),
  ].join('\r\n');
}

/**
 * "Copy links": issues a new link for each invitation (the mailed ones stop working, so it says so
 * first), then shows each link once with its Copy button, and the whole batch as CSV (name, email, link).
 */
export function InvitationLinks({ ids }: { ids: string[] }) {
  const { t } = useTranslation();
  const links = useInvitationLinks();
  const csvBox = useRef<HTMLTextAreaElement>(null);
  const [csvState, setCsvState] = useState<'idle' | 'copied' | 'failed'>('idle');
  if (!links.data) {
    return (
      <div className="form">
        <p className="field-hint">{t('invitations.links.warning', { count: ids.length })}</p>
        {links.isError ? <ErrorMessage error={links.error} title={t('invitations.links.failed')} /> : null}
        <div>
          <Button icon={<CopyIcon />} loading={links.isPending} onClick={() => links.mutate(ids)}>
            {t('invitations.links.create', { count: ids.length })}
          </Button>
        </div>
      </div>
    );
  }
  const csv = linksCsv(links.data.links);
  return (
    <div className="form">
      <Notice tone="success" title={t('invitations.links.created', { count: links.data.links.length })}>
        <p>
          {t('invitations.links.createdBody', {
            until: formatDateTime(links.data.links[0]?.expiresAt),
          })}
        </p>
      </Notice>
      {links.data.links.map((l) => (
        <CopyField key={l.id} label={t('invitations.links.linkFor', { email: l.email })} value={l.link} />
      ))}
      {links.data.links.length > 1 ? (
        <div className="field">
          <label className="field-label" htmlFor="invitation-links-csv">
            {t('invitations.links.csv')}
          </label>
          <textarea
            id="invitation-links-csv"
            ref={csvBox}
            className="input textarea mono"
            readOnly
            value={csv}
            rows={4}
          />
          <div>
            <Button
              icon={<CopyIcon />}
              onClick={async () => setCsvState((await copyText(csv, csvBox.current)) ? 'copied' : 'failed')}
            >
              {csvState === 'copied' ? t('copy.copied') : t('invitations.links.copyCsv')}
            </Button>
          </div>
        </div>
      ) : null}
      <p className="warning-text">{t('invitations.links.once')}</p>
    </div>
  );
}
