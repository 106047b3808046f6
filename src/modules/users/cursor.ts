import { createHash } from 'node:crypto';
import { cursorCodec, type CursorField } from '../../db/cursor.js';
import { commonErrors } from '../../shared/common.errors.js';
import type { SortKey } from './users.store.js';

/**
 * The users list's keyset cursor (through db/cursor.ts): the last row's sort value and id, plus the
 * sort it belongs to, so a cursor from one ordering is refused by another instead of silently
 * skipping rows. A search's total, counted on its first page, is carried along (`t`) with the
 * filter it counts (`f`).
 */
const fields = <V extends CursorField>(v: V) =>
  ({ s: 'string', o: 'string', v, i: 'string', t: 'optionalCount', f: 'optionalString' }) as const;
const numeric = cursorCodec(fields('integer'));
const text = cursorCodec(fields('string'));

interface CursorData {
  s: SortKey;
  o: 'asc' | 'desc';
  v: string | number;
  i: string;
  t?: number;
  f?: string;
}

const NUMERIC_SORT: Record<SortKey, boolean> = {
  name: false,
  email: false,
  createdAt: true,
  lastSignInAt: true,
};

export function encodeCursor(data: CursorData): string {
  return NUMERIC_SORT[data.s]
    ? numeric.encode({ ...data, v: data.v as number })
    : text.encode({ ...data, v: data.v as string });
}

/** A short fingerprint of a list's filters: a carried total is reused only under the same filters. */
export function filterKey(filter: {
  search?: string | undefined;
  role?: string | undefined;
  status?: string | undefined;
}): string {
  return createHash('sha256')
    .update(JSON.stringify([filter.search ?? null, filter.role ?? null, filter.status ?? null]))
    .digest('base64url')
    .slice(0, 16);
}

export function decodeCursor(
  cursor: string,
  sort: SortKey,
  order: 'asc' | 'desc',
): { value: string | number; id: string; total?: { count: number; filter: string } } {
  // The value must have the sort column's type: a forged one would otherwise reach the SQL (500 on PostgreSQL).
  const d = (NUMERIC_SORT[sort] ? numeric : text).decode(cursor);
  if (d.s !== sort || d.o !== order) throw commonErrors.invalid_cursor();
  if (d.t === undefined && d.f === undefined) return { value: d.v, id: d.i };
  // A forged total would only mislead its own client; it must still be a count, with its filter.
  if (d.t === undefined || d.f === undefined) throw commonErrors.invalid_cursor();
  return { value: d.v, id: d.i, total: { count: d.t, filter: d.f } };
}
