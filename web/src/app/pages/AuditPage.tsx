import { useTranslation } from 'react-i18next';
import { useLocation, useSearchParams } from 'react-router';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ListIcon } from '../../components/icons';
import { PageHeader } from '../../components/Page';
import { Loading, Spinner } from '../../components/Spinner';
import { useAuditEvents, type AuditQuery } from '../../features/audit/api';
import { AuditExport } from '../../features/audit/components/AuditExport';
import { AuditFilters, type AuditFilterValues } from '../../features/audit/components/AuditFilters';
import { AuditLog } from '../../features/audit/components/AuditLog';

const PAGE_SIZE = 50;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The start of a day where the admin is; `next` gives the start of the day after (an exclusive end). */
function startOfDay(day: string, next = false): string {
  const date = new Date(`${day}T00:00:00`);
  if (next) date.setDate(date.getDate() + 1);
  return date.toISOString();
}

/**
 * The audit log, newest first. Filters (actor and target by any part of a name or email, action,
 * from and until a day) and the page cursor live in the URL; the export downloads what they select.
 */
export function AuditPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const day = (key: string) => (DAY.test(params.get(key) ?? '') ? (params.get(key) as string) : '');
  const filters: AuditFilterValues = {
    actor: params.get('actor') ?? '',
    target: params.get('target') ?? '',
    action: params.get('action') ?? '',
    since: day('since'),
    until: day('until'),
  };
  const cursor = Number(params.get('cursor')) > 0 ? Number(params.get('cursor')) : undefined;
  const cursors = ((location.state as { cursors?: unknown } | null)?.cursors as number[] | undefined) ?? [];

  const selection = {
    ...(filters.actor ? { actorMatch: filters.actor } : {}),
    ...(filters.target ? { targetMatch: filters.target } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.since ? { since: startOfDay(filters.since) } : {}),
    // "Until" a day includes that day.
    ...(filters.until ? { until: startOfDay(filters.until, true) } : {}),
  };
  const query: AuditQuery = { ...selection, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) };
  const events = useAuditEvents(query);

  const apply = (next: AuditFilterValues, cursorValue?: number, stack: number[] = [], push = false) => {
    const p = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value) p.set(key, value);
    if (cursorValue) p.set('cursor', String(cursorValue));
    setParams(p, { replace: !push, state: { cursors: stack } });
  };

  const filtered = Object.values(filters).some(Boolean);
  const nextCursor = events.data?.nextCursor ?? null;

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.description')}
        actions={<AuditExport filters={selection} />}
      />
      <AuditFilters value={filters} onApply={(next) => apply(next)} />
      <section className="list-panel" aria-busy={events.isFetching || undefined}>
        {events.isPending ? (
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
                // An empty page has nothing older to show.
                disabled={!nextCursor || events.data.items.length === 0}
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
