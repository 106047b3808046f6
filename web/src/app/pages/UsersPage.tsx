import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearchParams } from 'react-router';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SearchIcon, UsersIcon } from '../../components/icons';
import { PageHeader } from '../../components/Page';
import { Loading, Spinner } from '../../components/Spinner';
import { SelectField, TextField } from '../../components/TextField';
import { InvitationActions } from '../../features/invitations/components/InvitationActions';
import { InviteUsersButton } from '../../features/invitations/components/InviteUsersDialog';
import { personId, usePeople, type Person } from '../../features/users/api/people';
import { AddUserButton } from '../../features/users/components/AddUserDialog';
import { BulkActions } from '../../features/users/components/BulkActions';
import { PeopleTable, type PeopleSortKey as SortKey } from '../../features/users/components/PeopleTable';
import type { Role } from '../../lib/api';
import { formatNumber, roleLabel } from '../../lib/format';
import { useCurrentUser } from '../current-user';

const PAGE_SIZE = 25;
const ROLES: Role[] = ['admin', 'member', 'viewer'];
const STATUSES = ['active', 'deactivated', 'locked', 'invited'] as const;
type Status = (typeof STATUSES)[number];
const MFA = ['enabled', 'disabled'] as const;
type Mfa = (typeof MFA)[number];
const SORTS: SortKey[] = ['name', 'email', 'lastSignInAt', 'createdAt'];
/** Most recent first is the natural order for dates. */
const DEFAULT_ORDER: Record<SortKey, 'asc' | 'desc'> = {
  name: 'asc',
  email: 'asc',
  lastSignInAt: 'desc',
  createdAt: 'desc',
};

const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined;

interface View {
  q: string;
  role: Role | undefined;
  status: Status | undefined;
  mfa: Mfa | undefined;
  sort: SortKey;
  order: 'asc' | 'desc';
  cursor: string | undefined;
}

function readView(params: URLSearchParams): View {
  const sort = pick(params.get('sort'), SORTS) ?? 'name';
  return {
    q: params.get('q') ?? '',
    role: pick(params.get('role'), ROLES),
    status: pick(params.get('status'), STATUSES),
    mfa: pick(params.get('mfa'), MFA),
    sort,
    order: pick(params.get('order'), ['asc', 'desc'] as const) ?? DEFAULT_ORDER[sort],
    cursor: params.get('cursor') || undefined,
  };
}

function writeView(view: View): URLSearchParams {
  const next = new URLSearchParams();
  if (view.q) next.set('q', view.q);
  if (view.role) next.set('role', view.role);
  if (view.status) next.set('status', view.status);
  if (view.mfa) next.set('mfa', view.mfa);
  if (view.sort !== 'name' || view.order !== 'asc') {
    next.set('sort', view.sort);
    next.set('order', view.order);
  }
  if (view.cursor) next.set('cursor', view.cursor);
  return next;
}

/**
 * Manage users. Everything that shapes the list (search, role, status, sort, page cursor) lives in
 * the URL, so reloading or sharing the address shows the same view. Paging is keyset: "Previous"
 * walks back through the cursors of the pages seen, kept in the history entry's state.
 */
export function UsersPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const view = readView(params);
  const cursors = ((location.state as { cursors?: unknown } | null)?.cursors as string[] | undefined) ?? [];
  const invited = view.status === 'invited';

  // Users and pending invitations in one list (issue 14 item 6): "All statuses" includes the invited.
  const people = usePeople({
    ...(view.q ? { q: view.q } : {}),
    ...(view.role ? { role: view.role } : {}),
    ...(view.status ? { status: view.status } : {}),
    ...(view.mfa ? { mfa: view.mfa } : {}),
    sort: view.sort,
    order: view.order,
    limit: PAGE_SIZE,
    ...(view.cursor ? { cursor: view.cursor } : {}),
  });

  // The selection spans pages of one view; another search, filter or sort starts a new one.
  const viewKey = JSON.stringify([view.q, view.role, view.status, view.mfa, view.sort, view.order]);
  const [selection, setSelection] = useState<{ key: string; people: Map<string, Person> }>({
    key: viewKey,
    people: new Map(),
  });
  const selected = useMemo(
    () => (selection.key === viewKey ? selection.people : new Map<string, Person>()),
    [selection, viewKey],
  );
  const select = (changed: Person[], on: boolean) => {
    const next = new Map(selected);
    for (const person of changed) {
      if (on) next.set(personId(person), person);
      else next.delete(personId(person));
    }
    setSelection({ key: viewKey, people: next });
  };

  /** Changes the view; a change of filter or sort starts again at the first page. */
  const update = (
    patch: Partial<View> | ((current: View) => Partial<View>),
    options: { push?: boolean; cursors?: string[] } = {},
  ) => {
    // From the address bar, not this render's params (which setParams(prev => …) would pass): the
    // debounced search calls an `update` from its last keystroke, and would drop a role chosen since.
    const current = readView(new URLSearchParams(window.location.search));
    const changes = typeof patch === 'function' ? patch(current) : patch;
    const next = { ...current, ...changes };
    if (!('cursor' in changes)) next.cursor = undefined;
    setParams(writeView(next), { replace: !options.push, state: { cursors: options.cursors ?? [] } });
  };

  // Search as you type, applied 300 ms after the last keystroke; the URL stays the source of truth.
  const [text, setText] = useState(view.q);
  const applied = useRef(view.q);
  useEffect(() => {
    if (view.q !== applied.current) {
      applied.current = view.q;
      setText(view.q);
    }
  }, [view.q]);
  useEffect(() => {
    if (text === applied.current) return;
    const timer = setTimeout(() => {
      applied.current = text;
      update({ q: text.trim() === '' ? '' : text });
    }, 300);
    return () => clearTimeout(timer);
    // `update` reads the latest URL itself, so only the text matters here.
  }, [text]);

  const onSort = (key: SortKey) =>
    update((current) => ({
      sort: key,
      order: current.sort === key ? (current.order === 'asc' ? 'desc' : 'asc') : DEFAULT_ORDER[key],
    }));

  const active = people;
  const data = active.data;
  const nextCursor = data?.nextCursor ?? null;
  const pageIndex = view.cursor ? (cursors.length > 0 ? cursors.length : null) : 0;
  const items = data?.items.length ?? 0;
  const filtered = Boolean(view.q || view.role || view.status || view.mfa);

  const goNext = () => {
    if (nextCursor) update({ cursor: nextCursor }, { push: true, cursors: [...cursors, view.cursor ?? ''] });
  };
  const goPrevious = () => {
    const previous = cursors.at(-1);
    update({ cursor: previous || undefined }, { push: true, cursors: cursors.slice(0, -1) });
  };

  const counts = data?.total;
  const total = counts ? counts.users + counts.invited : undefined;
  const usersCount = (count: number) =>
    t(filtered ? 'userlist.matchingUsers' : 'userlist.countUsers', { count, total: formatNumber(count) });
  const description = !counts
    ? t('users.page.description')
    : invited
      ? t('users.page.pendingInvitations', { count: counts.invited, total: formatNumber(counts.invited) })
      : counts.invited > 0
        ? t('userlist.count', {
            users: usersCount(counts.users),
            invited: t('userlist.countInvited', {
              count: counts.invited,
              total: formatNumber(counts.invited),
            }),
          })
        : usersCount(counts.users);

  return (
    <>
      <PageHeader
        title={t('users.page.title')}
        description={description}
        actions={
          <>
            <AddUserButton />
            <InviteUsersButton />
          </>
        }
      />
      <div className="filters" role="search" aria-label={t('users.page.filter')}>
        <TextField
          className="filters-search"
          label={t('users.page.search')}
          type="search"
          placeholder={t('users.page.searchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          leading={<SearchIcon />}
          autoCapitalize="off"
          spellCheck={false}
        />
        <SelectField
          label={t('users.role')}
          value={view.role ?? ''}
          onChange={(e) => update({ role: pick(e.target.value, ROLES) })}
          options={[
            { value: '', label: t('users.page.allRoles') },
            ...ROLES.map((role) => ({ value: role, label: roleLabel(role) })),
          ]}
        />
        <SelectField
          label={t('users.status.label')}
          value={view.status ?? ''}
          onChange={(e) => update({ status: pick(e.target.value, STATUSES) })}
          options={[
            { value: '', label: t('users.page.allStatuses') },
            { value: 'active', label: t('users.statusActive') },
            { value: 'deactivated', label: t('users.statusDeactivated') },
            { value: 'locked', label: t('lock.filter') },
            { value: 'invited', label: t('users.statusInvited') },
          ]}
        />
        <SelectField
          label={t('userlist.twoStep.filter')}
          value={view.mfa ?? ''}
          onChange={(e) => update({ mfa: pick(e.target.value, MFA) })}
          options={[
            { value: '', label: t('userlist.twoStep.any') },
            { value: 'enabled', label: t('userlist.twoStep.enabled') },
            { value: 'disabled', label: t('userlist.twoStep.disabled') },
          ]}
        />
      </div>

      <section className="list-panel" aria-busy={active.isFetching || undefined}>
        {active.isPending ? (
          <Loading label={invited ? t('invitations.loading') : t('users.page.loading')} />
        ) : active.isError && !data ? (
          <ErrorMessage
            error={active.error}
            title={invited ? t('invitations.loadFailed') : t('users.page.loadFailed')}
            onRetry={() => void active.refetch()}
          />
        ) : items === 0 ? (
          <EmptyState
            icon={<UsersIcon size={28} />}
            title={
              filtered
                ? invited
                  ? t('invitations.noMatch')
                  : t('users.page.noMatch')
                : t('users.page.empty')
            }
            action={
              filtered ? (
                <Button
                  onClick={() => {
                    setText('');
                    applied.current = '';
                    setParams(new URLSearchParams(), { replace: true });
                  }}
                >
                  {t('users.page.clearFilters')}
                </Button>
              ) : undefined
            }
          >
            {filtered ? <p>{t('users.page.noMatchHint')}</p> : <p>{t('users.page.emptyHint')}</p>}
          </EmptyState>
        ) : (
          <>
            {active.isError ? (
              <ErrorMessage
                error={active.error}
                title={t('users.page.refreshFailed')}
                onRetry={() => void active.refetch()}
              />
            ) : null}
            <BulkActions
              selected={[...selected.values()]}
              onClear={() => setSelection({ key: viewKey, people: new Map() })}
            />
            <PeopleTable
              people={data?.items ?? []}
              sort={view.sort}
              order={view.order}
              onSort={onSort}
              currentUserId={me.user.id}
              selected={new Set(selected.keys())}
              onSelect={(person, on) => select([person], on)}
              onSelectPage={(on) => select(data?.items ?? [], on)}
              invitationActions={(invitation) => <InvitationActions invitation={invitation} />}
            />
          </>
        )}
        {data && (items > 0 || view.cursor) ? (
          <nav className="pagination" aria-label={t('pagination.label')}>
            <p className="pagination-status" aria-live="polite">
              {active.isFetching ? <Spinner size="sm" decorative /> : null}
              {pageIndex === null
                ? t('pagination.shownOf', { shown: items, total: formatNumber(total ?? 0) })
                : items === 0
                  ? t('pagination.noneOf', { total: formatNumber(total ?? 0) })
                  : t('pagination.range', {
                      from: formatNumber(pageIndex * PAGE_SIZE + 1),
                      to: formatNumber(pageIndex * PAGE_SIZE + items),
                      total: formatNumber(total ?? 0),
                    })}
            </p>
            <div className="pagination-buttons">
              <Button size="sm" onClick={goPrevious} disabled={!view.cursor}>
                {t('pagination.previous')}
              </Button>
              <Button size="sm" onClick={goNext} disabled={!nextCursor}>
                {t('pagination.next')}
              </Button>
            </div>
          </nav>
        ) : null}
      </section>
    </>
  );
}
