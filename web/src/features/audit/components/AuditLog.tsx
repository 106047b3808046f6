import { Badge } from '../../../components/Badge';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useUserNames, type AuditEvent } from '../api';
import { ACTION_LABELS, describeEvent, targetIsUser } from './describe-event';

/** Events newest first, each as a sentence with when, where from, and the raw details on demand. */
export function AuditLog({ events }: { events: AuditEvent[] }) {
  const ids = [
    ...new Set(
      events
        .flatMap((e) => [e.actor.id, targetIsUser(e) ? e.target.id : null])
        .filter((id): id is string => !!id),
    ),
  ];
  const names = useUserNames(ids);
  return (
    <ol className="audit-list" aria-label="Audit events">
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
                <span>{ACTION_LABELS[event.action] ?? event.action}</span>
                {event.ip ? (
                  <>
                    <span aria-hidden="true"> · </span>
                    <span>IP {event.ip}</span>
                  </>
                ) : null}
                {event.outcome !== 'success' ? (
                  <>
                    {' '}
                    <Badge tone={event.outcome === 'denied' ? 'danger' : 'warning'}>
                      {event.outcome === 'denied' ? 'Denied' : 'Failed'}
                    </Badge>
                  </>
                ) : null}
              </p>
            </div>
            <details className="audit-details">
              <summary>Details</summary>
              <dl>
                <dt>Time</dt>
                <dd>{formatDateTime(event.at)}</dd>
                <dt>Action</dt>
                <dd>
                  <code>{event.action}</code>
                </dd>
                <dt>Actor</dt>
                <dd>{event.actor.label}</dd>
                {event.target.label ? (
                  <>
                    <dt>Target</dt>
                    <dd>{event.target.label}</dd>
                  </>
                ) : null}
                <dt>IP address</dt>
                <dd>{event.ip ?? '—'}</dd>
                <dt>Browser</dt>
                <dd className="break">{event.userAgent ?? '—'}</dd>
                <dt>Request id</dt>
                <dd>
                  <code>{event.requestId ?? '—'}</code>
                </dd>
                {Object.keys(event.details).length > 0 ? (
                  <>
                    <dt>Details</dt>
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
