import { cursorCodec } from '../../db/cursor.js';
import { dbNow } from '../../db/time.js';
import { commonErrors } from '../../shared/common.errors.js';
import { presentInvitation, type Invitation } from '../invitations/index.js';
import { lockedAccounts } from '../throttle/index.js';
import { presentUser, withLock, type Role, type User } from '../users/index.js';
import type { PeopleCtx } from './people.context.js';
import * as store from './people.store.js';

export interface ListPeopleInput {
  q?: string | undefined;
  role?: Role | undefined;
  status?: store.PeopleFilter['status'];
  mfa?: 'enabled' | 'disabled' | undefined;
  sort: store.PeopleSortKey;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string | undefined;
}

type MfaSummary = { enabled: boolean; totp: number; passkeys: number; recoveryCodesRemaining: number };
const NO_MFA: MfaSummary = { enabled: false, totp: 0, passkeys: 0, recoveryCodesRemaining: 0 };

export type Person =
  { kind: 'user'; user: User & { mfa: MfaSummary } } | { kind: 'invitation'; invitation: Invitation };

/**
 * The cursor: the last row's sort value, kind and id, and the sort it belongs to (a cursor from
 * another ordering is refused instead of silently skipping rows).
 */
const fields = <V extends 'string' | 'integer'>(v: V) =>
  ({ s: 'string', o: 'string', v, k: 'string', i: 'string' }) as const;
const numeric = cursorCodec(fields('integer'));
const text = cursorCodec(fields('string'));
const isNumeric = (sort: store.PeopleSortKey) => sort === 'createdAt' || sort === 'lastSignInAt';

function decodeCursor(cursor: string, sort: store.PeopleSortKey, order: 'asc' | 'desc'): store.PeopleAfter {
  const d = (isNumeric(sort) ? numeric : text).decode(cursor);
  if (d.s !== sort || d.o !== order || (d.k !== 'user' && d.k !== 'invitation') || d.i.length > 64)
    throw commonErrors.invalid_cursor();
  return { value: d.v, kind: d.k, id: d.i };
}

function encodeCursor(sort: store.PeopleSortKey, order: 'asc' | 'desc', last: store.PersonKey): string {
  const data = { s: sort, o: order, k: last.kind, i: last.id };
  return isNumeric(sort)
    ? numeric.encode({ ...data, v: Number(last.v) })
    : text.encode({ ...data, v: String(last.v) });
}

/** Manage users' list: users and invited people in one order, keyset pages, the two counts. */
export async function listPeople(
  ctx: Pick<PeopleCtx, 'db' | 'clock' | 'mfaSummaries'>,
  input: ListPeopleInput,
): Promise<{ items: Person[]; nextCursor: string | null; total: { users: number; invited: number } }> {
  const after = input.cursor ? decodeCursor(input.cursor, input.sort, input.order) : undefined;
  const now = await dbNow(ctx.db, ctx.clock);
  const filter: store.PeopleFilter = {
    search: input.q?.trim().toLowerCase() || undefined,
    role: input.role,
    status: input.status,
    mfa: input.mfa,
    now,
  };
  const [keys, total] = await Promise.all([
    store.findPage(ctx.db, {
      ...filter,
      sort: input.sort,
      order: input.order,
      after,
      limit: input.limit + 1,
    }),
    store.count(ctx.db, filter),
  ]);
  const page = keys.slice(0, input.limit);
  const userIds = page.filter((k) => k.kind === 'user').map((k) => k.id);
  const invitationIds = page.filter((k) => k.kind === 'invitation').map((k) => k.id);
  const [userRows, invitationRows] = await Promise.all([
    store.usersByIds(ctx.db, userIds),
    store.invitationsByIds(ctx.db, invitationIds),
  ]);
  const [locks, summaries] = await Promise.all([
    lockedAccounts(
      ctx.db,
      userRows.map((r) => r.email),
      now,
    ),
    ctx.mfaSummaries ? ctx.mfaSummaries(userIds) : Promise.resolve(new Map<string, MfaSummary>()),
  ]);
  const usersById = new Map(userRows.map((r) => [r.id, r]));
  const invitationsById = new Map(invitationRows.map((r) => [r.id, r]));
  const items: Person[] = [];
  for (const key of page) {
    if (key.kind === 'user') {
      const row = usersById.get(key.id);
      // Deleted between the two reads: the row is simply absent from this page.
      if (row)
        items.push({
          kind: 'user',
          user: { ...withLock(presentUser(row), locks), mfa: summaries.get(row.id) ?? NO_MFA },
        });
    } else {
      const row = invitationsById.get(key.id);
      if (row) items.push({ kind: 'invitation', invitation: presentInvitation(row, now) });
    }
  }
  const last = page.at(-1);
  return {
    items,
    nextCursor: keys.length > input.limit && last ? encodeCursor(input.sort, input.order, last) : null,
    total,
  };
}
