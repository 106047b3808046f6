import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Badge, type BadgeTone } from '../../components/Badge';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage, Notice } from '../../components/ErrorMessage';
import { MailIcon } from '../../components/icons';
import { PageHeader } from '../../components/Page';
import { Loading } from '../../components/Spinner';
import { Table } from '../../components/Table';
import { SelectField } from '../../components/TextField';
import { useMailStatus, useOutbox, useRetryFailed, type OutboxQuery } from '../../features/mail/api';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';

const STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
type Status = (typeof STATUSES)[number];
const TONE: Record<Status, BadgeTone> = {
  queued: 'info',
  sending: 'info',
  sent: 'success',
  failed: 'danger',
};

/** The Outbox (issue 14, item 1): every message by status, the errors, Retry failed. Admins only. */
export function OutboxPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s === params.get('status'));
  const cursor = params.get('cursor') ?? undefined;
  const query: OutboxQuery = { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) };
  const outbox = useOutbox(query);
  const mail = useMailStatus();
  const retry = useRetryFailed();
  const failed = mail.data?.counts.failed ?? 0;
  return (
    <>
      <PageHeader
        title={t('outbox.title')}
        description={
          mail.data
            ? t('outbox.counts', {
                queued: formatNumber(mail.data.counts.queued + mail.data.counts.sending),
                sent: formatNumber(mail.data.counts.sent),
                failed: formatNumber(failed),
              })
            : t('outbox.description')
        }
        actions={
          <Button
            variant="primary"
            disabled={failed === 0}
            loading={retry.isPending}
            onClick={() => retry.mutate()}
          >
            {t('outbox.retry')}
          </Button>
        }
      />
      {retry.isSuccess ? (
        <Notice tone="success" title={t('outbox.retried', { count: retry.data.requeued })}>
          <p>{t('outbox.retriedBody')}</p>
        </Notice>
      ) : null}
      {retry.isError ? <ErrorMessage error={retry.error} title={t('outbox.retryFailed')} /> : null}
      <div className="filters" role="search" aria-label={t('outbox.filter')}>
        <SelectField
          label={t('outbox.status')}
          value={status ?? ''}
          onChange={(e) => {
            const next = new URLSearchParams();
            if (e.target.value) next.set('status', e.target.value);
            setParams(next, { replace: true });
          }}
          options={[
            { value: '', label: t('outbox.all') },
            ...STATUSES.map((s) => ({ value: s, label: t(`outbox.statuses.${s}`) })),
          ]}
        />
      </div>
      <section className="list-panel" aria-busy={outbox.isFetching || undefined}>
        {outbox.isPending ? (
          <Loading label={t('outbox.loading')} />
        ) : outbox.isError && !outbox.data ? (
          <ErrorMessage error={outbox.error} onRetry={() => void outbox.refetch()} />
        ) : outbox.data.items.length === 0 ? (
          <EmptyState icon={<MailIcon size={28} />} title={t('outbox.empty')} />
        ) : (
          <Table label={t('outbox.table')} caption={t('outbox.table')}>
            <thead>
              <tr>
                <th scope="col">{t('outbox.to')}</th>
                <th scope="col">{t('outbox.subject')}</th>
                <th scope="col" className="col-shrink">
                  {t('outbox.status')}
                </th>
                <th scope="col" className="col-optional">
                  {t('outbox.queuedAt')}
                </th>
                <th scope="col" className="col-optional">
                  {t('outbox.error')}
                </th>
              </tr>
            </thead>
            <tbody>
              {outbox.data.items.map((m) => (
                <tr key={m.id}>
                  <td>{m.to}</td>
                  <td>{m.subject}</td>
                  <td className="col-shrink">
                    <Badge tone={TONE[m.status]}>{t(`outbox.statuses.${m.status}`)}</Badge>
                  </td>
                  <td className="col-optional">
                    <time dateTime={m.createdAt} title={formatDateTime(m.createdAt)}>
                      {formatRelative(m.createdAt)}
                    </time>
                  </td>
                  <td className="col-optional">
                    {m.lastError ? t('outbox.errorValue', { error: m.lastError, count: m.attempts }) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {outbox.data?.nextCursor ? (
          <nav className="pagination" aria-label={t('pagination.label')}>
            <div className="pagination-buttons">
              <Button
                size="sm"
                onClick={() => {
                  const next = new URLSearchParams(params);
                  next.set('cursor', outbox.data.nextCursor ?? '');
                  setParams(next);
                }}
              >
                {t('pagination.next')}
              </Button>
            </div>
          </nav>
        ) : null}
      </section>
    </>
  );
}
