import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { ErrorMessage, Notice } from '../../../components/ErrorMessage';
import { Card } from '../../../components/Page';
import { Loading } from '../../../components/Spinner';
import { formatDateTime, formatNumber } from '../../../lib/format';
import { useMailStatus, useSendTestMail } from '../api';

/** Settings → Mail: transport, sender, a live check, the newest error, Send test mail, the outbox. */
export function MailSettingsCard() {
  const { t } = useTranslation();
  const [checked, setChecked] = useState(false);
  const status = useMailStatus(checked);
  const test = useSendTestMail();
  const data = status.data;
  return (
    <div id="mail">
      <Card title={t('mail.settings.title')} description={t('mail.settings.description')}>
        {status.isPending ? (
          <Loading label={t('mail.settings.loading')} />
        ) : status.isError ? (
          <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />
        ) : data ? (
          <div className="form">
            <dl className="facts">
              <dt>{t('mail.settings.transport')}</dt>
              <dd>
                {data.transport === 'smtp' ? t('mail.settings.smtp') : t('mail.settings.log')}
                {data.transport === 'log' ? <Badge tone="warning">{t('mail.settings.notSent')}</Badge> : null}
              </dd>
              <dt>{t('mail.settings.from')}</dt>
              <dd>{data.from}</dd>
              <dt>{t('mail.settings.status')}</dt>
              <dd>
                {data.check === 'ok' ? (
                  <Badge tone="success">{t('mail.settings.checkOk')}</Badge>
                ) : data.check === 'error' ? (
                  <Badge tone="danger">
                    {t('mail.settings.checkError', { error: data.checkError ?? '' })}
                  </Badge>
                ) : (
                  <span className="muted">{t('mail.settings.unchecked')}</span>
                )}
                <Button size="sm" loading={checked && status.isFetching} onClick={() => setChecked(true)}>
                  {t('mail.settings.check')}
                </Button>
              </dd>
              <dt>{t('mail.settings.lastError')}</dt>
              <dd>
                {data.lastError
                  ? t('mail.settings.lastErrorValue', {
                      message: data.lastError.message,
                      to: data.lastError.to,
                      at: formatDateTime(data.lastError.at),
                    })
                  : t('mail.settings.none')}
              </dd>
              <dt>{t('mail.settings.outbox')}</dt>
              <dd>
                {t('mail.settings.counts', {
                  queued: formatNumber(data.counts.queued + data.counts.sending),
                  sent: formatNumber(data.counts.sent),
                  failed: formatNumber(data.counts.failed),
                })}{' '}
                <Link to="/outbox">{t('mail.settings.openOutbox')}</Link>
              </dd>
            </dl>
            {test.isSuccess ? (
              <Notice tone="success" title={t('mail.settings.testQueued')}>
                <p>
                  {data.transport === 'log'
                    ? t('mail.settings.testQueuedLog', { to: test.data.to })
                    : t('mail.settings.testQueuedSmtp', { to: test.data.to })}
                </p>
              </Notice>
            ) : null}
            {test.isError ? <ErrorMessage error={test.error} title={t('mail.settings.testFailed')} /> : null}
            <div className="form-actions">
              <Button loading={test.isPending} onClick={() => test.mutate(undefined)}>
                {t('mail.settings.sendTest')}
              </Button>
            </div>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
