import { cursorCodec } from '../../db/cursor.js';
import { dbNow } from '../../db/time.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { InvitationsCtx } from './invitations.context.js';
import { present, type Invitation } from './invitations.presenter.js';
import * as store from './invitations.store.js';
import type { ListedStatus } from './invitations.store.js';

export interface ListInvitationsInput {
  status?: ListedStatus | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The invitations list's keyset cursor (db/cursor.ts): the last row's creation time and id. */
const cursor = cursorCodec({ c: 'integer', i: 'string' });

function decodeCursor(value: string): { createdAt: number; id: string } {
  const d = cursor.decode(value);
  if (d.i.length > 64) throw commonErrors.invalid_cursor();
  return { createdAt: d.c, id: d.i };
}

export async function listInvitations(
  ctx: Pick<InvitationsCtx, 'db' | 'clock'>,
  input: ListInvitationsInput,
): Promise<{ items: Invitation[]; nextCursor: string | null; total: number }> {
  const now = await dbNow(ctx.db, ctx.clock);
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const filter = { status: input.status, search: input.q?.trim().toLowerCase() || undefined, now };
  const [rows, total] = await Promise.all([
    store.findPage(ctx.db, { ...filter, after, limit: input.limit + 1 }),
    store.count(ctx.db, filter),
  ]);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => present(r, now)),
    nextCursor: rows.length > input.limit && last ? cursor.encode({ c: last.createdAt, i: last.id }) : null,
    total,
  };
}
