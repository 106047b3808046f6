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
}

export function encodeCursor(data: CursorData): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: SortKey, order: 'asc' | 'desc'): { value: string | number; id: string } {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw commonErrors.invalid_cursor();
  }
  const d = data as Partial<CursorData> | null;
  const valueOk = typeof d?.v === 'string' || (typeof d?.v === 'number' && Number.isFinite(d.v));
  if (!d || d.s !== sort || d.o !== order || !valueOk || typeof d.i !== 'string') throw commonErrors.invalid_cursor();
  return { value: d.v as string | number, id: d.i };
}
