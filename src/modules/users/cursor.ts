import { createHash } from 'node:crypto';
import { commonErrors } from '../../shared/common.errors.js';
import type { SortKey } from './users.store.js';

/**
 * An opaque keyset cursor: the last row's sort value and id, plus the sort it belongs to, so a
 * cursor from one ordering is refused by another instead of silently skipping rows.
 */
interface CursorData {
  s: SortKey;
  o: 'asc' | 'desc';
  v: string | number;
  i: string;
  /** A search's total, counted on its first page and carried along (with the filter it counts, `f`). */
  t?: number;
  f?: string;
}

const NUMERIC_SORT: Record<SortKey, boolean> = {
  name: false,
  email: false,
  createdAt: true,
  lastSignInAt: true,
};

/** Cursor strings come back from the client: bounded, and no control characters (PostgreSQL refuses NUL). */
function plainString(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return typeof value === 'string' && value.length <= 512 && !/[\u0000-\u001f\u007f-\u009f]/.test(value);
}

export function encodeCursor(data: CursorData): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
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
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw commonErrors.invalid_cursor();
  }
  const d = data as Partial<CursorData> | null;
  // The value must have the sort column's type: a forged one would otherwise reach the SQL (500 on PostgreSQL).
  const valueOk = NUMERIC_SORT[sort] ? Number.isSafeInteger(d?.v) : plainString(d?.v);
  if (!d || d.s !== sort || d.o !== order || !valueOk || !plainString(d.i))
    throw commonErrors.invalid_cursor();
  if (d.t === undefined && d.f === undefined) return { value: d.v as string | number, id: d.i };
  // A forged total would only mislead its own client; it must still be a count.
  if (!Number.isSafeInteger(d.t) || (d.t as number) < 0 || !plainString(d.f))
    throw commonErrors.invalid_cursor();
  return { value: d.v as string | number, id: d.i, total: { count: d.t as number, filter: d.f } };
}
