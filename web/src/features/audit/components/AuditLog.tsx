import { useTranslation } from 'react-i18next';
import { Badge } from '../../../components/Badge';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useUserNames, type AuditEvent } from '../api';
import { actionLabel, actorLabel, describeEvent, targetIsUser } from './describe-event';

/** Events newest first, each as a sentence with when, where from, and the raw details on demand. */
export function AuditLog({ events }: { events: AuditEvent[] }) {
  const { t } = useTranslation();
  const ids = [
    ...new Set(
      events
        .flatMap((e) => [e.actor.id, targetIsUser(e) ? e.target.id : null])
        .filter((id): id is string => !!id),
    ),
  ];
  const names = useUserNames(ids);
  return (
    <ol className="audit-list" aria-label={t('audit.eventsLabel')}>
      {events.map((event) => {
        const sentence = describeEvent(event, names);
        return (
          <li key={event.id} className="audit-item" data-outcome={event.outcome}>
            <div className="audit-main">
              <p className="audit-sentence">
                {sentence.parts.map((part, i) =>
                  part.who ? <strong key={i}>{part.text}</strong> : <span key={i}>{part.text}</span>,
                )}
              </p>
              <p className="audit-meta">
                <time dateTime={event.at} title={formatDateTime(event.at)}>
                  {formatRelative(event.at)}
                </time>
                <span aria-hidden="true"> · </span>
                <span>{actionLabel(event.action)}</span>
                {event.ip ? (
                  <>
                    <span aria-hidden="true"> · </span>
                    <span>{t('audit.ip', { ip: event.ip })}</span>
                  </>
                ) : null}
                {event.outcome !== 'success' ? (
                  <>
                    {' '}
                    <Badge tone={event.outcome === 'denied' ? 'danger' : 'warning'}>
                      {event.outcome === 'denied' ? t('audit.denied') : t('audit.failed')}
                    </Badge>
                  </>
                ) : null}
              </p>
            </div>
            <details className="audit-details">
              <summary>{t('audit.details')}</summary>
              <dl>
                <dt>{t('audit.time')}</dt>
                <dd>{formatDateTime(event.at)}</dd>
                <dt>{t('audit.action')}</dt>
                <dd>
                  <code>{event.action}</code>
                </dd>
                <dt>{t('audit.actor')}</dt>
                <dd>{actorLabel(event.actor.label)}</dd>
                {event.target.label ? (
                  <>
                    <dt>{t('audit.target')}</dt>
                    <dd>{event.target.label}</dd>
                  </>
                ) : null}
                <dt>{t('audit.ipAddress')}</dt>
                <dd>{event.ip ?? '—'}</dd>
                <dt>{t('audit.browser')}</dt>
                <dd className="break">{event.userAgent ?? '—'}</dd>
                <dt>{t('audit.requestId')}</dt>
                <dd>
                  <code>{event.requestId ?? '—'}</code>
                </dd>
                {Object.keys(event.details).length > 0 ? (
                  <>
                    <dt>{t('audit.details')}</dt>
                    <dd>
                      <code className="break">{JSON.stringify(event.details)}</code>
                    </dd>
                  </>
                ) : null}
              </dl>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
