import { commonErrors } from '../shared/common.errors.js';

/**
 * The one keyset-cursor codec: a page's last row (its sort value and id, plus whatever the list
 * needs to refuse a cursor from another ordering) as opaque base64url JSON. Cursors come back from
 * the client, so decoding checks every field's type against the list's shape: a forged value must
 * never reach the SQL with the wrong type (PostgreSQL would answer 500). Anything else → 400
 * `invalid_cursor`.
 */
export type CursorField = 'string' | 'integer' | 'count' | 'optionalString' | 'optionalCount';

type FieldValue<F extends CursorField> = F extends 'string'
  ? string
  : F extends 'integer' | 'count'
    ? number
    : F extends 'optionalString'
      ? string | undefined
      : number | undefined;

type Optional = 'optionalString' | 'optionalCount';

export type CursorData<S extends Record<string, CursorField>> = {
  [K in keyof S as S[K] extends Optional ? never : K]: FieldValue<S[K]>;
} & { [K in keyof S as S[K] extends Optional ? K : never]?: FieldValue<S[K]> };

/** Cursor strings are bounded, and carry no control characters (PostgreSQL refuses NUL). */
export function plainCursorString(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return typeof value === 'string' && value.length <= 512 && !/[\u0000-\u001f\u007f-\u009f]/.test(value);
}

function fits(kind: CursorField, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return plainCursorString(value);
    case 'integer':
      return Number.isSafeInteger(value);
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'optionalString':
      return value === undefined || plainCursorString(value);
    case 'optionalCount':
      return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0);
  }
}

export interface CursorCodec<S extends Record<string, CursorField>> {
  encode(data: CursorData<S>): string;
  /** The cursor's fields, each of its declared type; anything else throws invalid_cursor. */
  decode(cursor: string): CursorData<S>;
}

/** A codec for one list's cursor shape: field name → its type. */
export function cursorCodec<S extends Record<string, CursorField>>(shape: S): CursorCodec<S> {
  return {
    encode: (data) => Buffer.from(JSON.stringify(data), 'utf8').toString('base64url'),
    decode(cursor) {
      let data: unknown;
      try {
        data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw commonErrors.invalid_cursor();
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw commonErrors.invalid_cursor();
      const record = data as Record<string, unknown>;
      for (const [key, kind] of Object.entries(shape)) {
        if (!fits(kind, record[key])) throw commonErrors.invalid_cursor();
      }
      return record as CursorData<S>;
    },
  };
}
