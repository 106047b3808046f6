import type { Ctx } from '../../db/context.js';
import { dbNow, nowValue } from '../../db/time.js';
import { lockedAccounts } from '../throttle/index.js';
import { decodeCursor, encodeCursor, filterKey } from './cursor.js';
import { NO_MFA, type MfaSummaries, type MfaSummary } from './mfa-summaries.js';
import { presentUser, type User } from './users.presenter.js';
import { withLock } from './users.shared.js';
import * as store from './users.store.js';
import type { Role, UserStatus } from './users.table.js';

export interface ListUsersInput {
  q?: string | undefined;
  role?: Role | undefined;
  /** 'locked': users whose sign-in is locked now, whatever their status. */
  status?: UserStatus | 'locked' | undefined;
  /** Two-step verification on or off (issue 13). */
  mfa?: 'enabled' | 'disabled' | undefined;
  sort: store.SortKey;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string | undefined;
}

/**
 * A page of users. Given the mfa module's port (`ctx.mfaSummaries`, as the route has it), each user
 * carries their two-step summary, read beside the page's lockouts.
 */
export async function listUsers(
  ctx: Pick<Ctx, 'db' | 'clock'> & { mfaSummaries?: MfaSummaries | undefined },
  input: ListUsersInput,
): Promise<{ items: Array<User & { mfa?: MfaSummary }>; nextCursor: string | null; total: number }> {
  const after = input.cursor ? decodeCursor(input.cursor, input.sort, input.order) : undefined;
  const locked = input.status === 'locked';
  const filter = {
    search: input.q?.trim().toLowerCase() || undefined,
    role: input.role,
    status: locked ? undefined : (input.status as UserStatus | undefined),
    lockedAt: locked ? await dbNow(ctx.db, ctx.clock) : undefined,
    mfa: input.mfa,
  };
  // Without a search, the total comes from counters (no COUNT). A search's total is counted on its
  // first page and carried in the cursor, so the following pages cost only their rows; it is the
  // total as of the first page.
  // (With the two-step filter the total is counted on every page: the cursor's key does not cover it.)
  const key = filter.search && !filter.mfa ? filterKey({ ...filter, status: input.status }) : undefined;
  const query = { ...filter, sort: input.sort, order: input.order, after, limit: input.limit + 1 };
  let total = key && after?.total?.filter === key ? after.total.count : undefined;
  let rows: store.UserRow[] | undefined;
  if (filter.search) {
    // A searched page reads its matches through the trigram index first when they are few, and
    // walks the sort order's index when they are many (store.preferMatchesFirst). Not knowing the
    // number yet, it tries the first way, counting the matches in the same query.
    const search = filter.search;
    const population = await store.count(ctx.db, {
      role: filter.role,
      status: filter.status,
      lockedAt: filter.lockedAt,
    });
    if (total === undefined && store.searchIsIndexed(search)) {
      const cap = store.matchesFirstCap(population, query.limit);
      const counted = await store.findSearchPageCounted(ctx.db, { ...query, search }, cap);
      if (counted.matches !== null) [total, rows] = [counted.matches, counted.rows];
    }
    total ??= await store.count(ctx.db, filter);
    rows ??= await store.findPage(ctx.db, {
      ...query,
      matchesFirst: store.preferMatchesFirst(total, population, query.limit),
    });
  } else {
    [total, rows] = await Promise.all([store.count(ctx.db, filter), store.findPage(ctx.db, query)]);
  }
  const page = rows.slice(0, input.limit);
  // The lockouts compare with the database's time inside their own query (no read of the time first),
  // and the two-step summaries are read at the same moment: a page is the principal, [total, rows],
  // [lockouts, summaries] — three round trips after one another on PostgreSQL, as before issue 13.
  const [locks, summaries] = await Promise.all([
    lockedAccounts(
      ctx.db,
      page.map((r) => r.email),
      nowValue(ctx.db, ctx.clock),
    ),
    ctx.mfaSummaries && page.length > 0 ? ctx.mfaSummaries(page.map((r) => r.id)) : undefined,
  ]);
  const last = page.at(-1);
  const nextCursor =
    rows.length > input.limit && last
      ? encodeCursor({
          s: input.sort,
          o: input.order,
          v: store.sortValue(last, input.sort),
          i: last.id,
          ...(key ? { t: total, f: key } : {}),
        })
      : null;
  const items = page.map((r) => withLock(presentUser(r), locks));
  return {
    items: summaries ? items.map((u) => ({ ...u, mfa: summaries.get(u.id) ?? NO_MFA })) : items,
    nextCursor,
    total,
  };
}
