import { useTranslation } from 'react-i18next';
import { useLocation, useSearchParams } from 'react-router';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ListIcon } from '../../components/icons';
import { PageHeader } from '../../components/Page';
import { Loading, Spinner } from '../../components/Spinner';
import { useAuditEvents, useUserIdByEmail, type AuditQuery } from '../../features/audit/api';
import { AuditFilters, type AuditFilterValues } from '../../features/audit/components/AuditFilters';
import { AuditLog } from '../../features/audit/components/AuditLog';

const PAGE_SIZE = 50;

/**
 * The audit log, newest first. Filters (actor and target by email, action, since a day) and the
 * page cursor live in the URL; the API filters people by id, so emails are looked up first.
 */
export function AuditPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const filters: AuditFilterValues = {
    actor: params.get('actor') ?? '',
    target: params.get('target') ?? '',
    action: params.get('action') ?? '',
    since: /^\d{4}-\d{2}-\d{2}$/.test(params.get('since') ?? '') ? (params.get('since') as string) : '',
  };
  const cursor = Number(params.get('cursor')) > 0 ? Number(params.get('cursor')) : undefined;
  const cursors = ((location.state as { cursors?: unknown } | null)?.cursors as number[] | undefined) ?? [];

  const actorId = useUserIdByEmail(filters.actor);
  const targetId = useUserIdByEmail(filters.target);
  const lookupsDone = (!filters.actor || actorId.isSuccess) && (!filters.target || targetId.isSuccess);
  const unknown = {
    ...(filters.actor && actorId.data === null ? { actor: t('audit.noUserWithEmail') } : {}),
    ...(filters.target && targetId.data === null ? { target: t('audit.noUserWithEmail') } : {}),
  };
  const query: AuditQuery = {
    ...(actorId.data ? { actor: actorId.data } : {}),
    ...(targetId.data ? { target: targetId.data } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    // The start of that day where the admin is.
    ...(filters.since ? { since: new Date(`${filters.since}T00:00:00`).toISOString() } : {}),
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
  const events = useAuditEvents(query, lookupsDone && Object.keys(unknown).length === 0);

  const apply = (next: AuditFilterValues, cursorValue?: number, stack: number[] = [], push = false) => {
    const p = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value) p.set(key, value);
    if (cursorValue) p.set('cursor', String(cursorValue));
    setParams(p, { replace: !push, state: { cursors: stack } });
  };

  const lookupError = actorId.error ?? targetId.error;
  const filtered = Object.values(filters).some(Boolean);
  const nextCursor = events.data?.nextCursor ?? null;

  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <AuditFilters value={filters} onApply={(next) => apply(next)} problems={unknown} />
      <section className="list-panel" aria-busy={events.isFetching || undefined}>
        {lookupError ? (
          <ErrorMessage error={lookupError} onRetry={() => void (actorId.refetch(), targetId.refetch())} />
        ) : Object.keys(unknown).length > 0 ? (
          <EmptyState title={t('audit.noUserTitle')} icon={<ListIcon size={28} />}>
            <p>{t('audit.noUserHint')}</p>
          </EmptyState>
        ) : !lookupsDone || events.isPending ? (
          <Loading label={t('audit.loading')} />
        ) : events.isError && !events.data ? (
          <ErrorMessage
            error={events.error}
            title={t('audit.loadFailed')}
            onRetry={() => void events.refetch()}
          />
        ) : events.data.items.length === 0 ? (
          <EmptyState icon={<ListIcon size={28} />} title={filtered ? t('audit.noMatch') : t('audit.empty')}>
            {filtered ? <p>{t('audit.noMatchHint')}</p> : null}
          </EmptyState>
        ) : (
          <AuditLog events={events.data.items} />
        )}
        {events.data && (events.data.items.length > 0 || cursor) ? (
          <nav className="pagination" aria-label={t('pagination.label')}>
            <p className="pagination-status" aria-live="polite">
              {events.isFetching ? <Spinner size="sm" decorative /> : null}
              {cursor ? t('audit.page', { page: cursors.length + 1 }) : t('audit.newest')}
            </p>
            <div className="pagination-buttons">
              <Button
                size="sm"
                disabled={!cursor}
                onClick={() => apply(filters, cursors.at(-1) || undefined, cursors.slice(0, -1), true)}
              >
                {t('audit.newer')}
              </Button>
              <Button
                size="sm"
                disabled={!nextCursor}
                onClick={() => nextCursor && apply(filters, nextCursor, [...cursors, cursor ?? 0], true)}
              >
                {t('audit.older')}
              </Button>
            </div>
          </nav>
        ) : null}
      </section>
    </>
  );
}
