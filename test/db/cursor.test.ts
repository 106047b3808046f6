import { describe, expect, it } from 'vitest';
import { cursorCodec } from '../../src/db/cursor.js';
import { isAppError } from '../../src/shared/errors.js';

const codec = cursorCodec({ c: 'integer', i: 'string', t: 'optionalCount' });
const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function refusal(cursor: string): string {
  try {
    codec.decode(cursor);
    return 'accepted';
  } catch (error) {
    return isAppError(error) ? `${error.status} ${error.code}` : String(error);
  }
}

describe('db/cursor.ts: the one keyset-cursor codec', () => {
  it('gives back what it encoded, optional fields included', () => {
    expect(codec.decode(codec.encode({ c: 42, i: 'abc' }))).toEqual({ c: 42, i: 'abc' });
    expect(codec.decode(codec.encode({ c: 0, i: 'x', t: 7 }))).toEqual({ c: 0, i: 'x', t: 7 });
  });

  it('refuses with 400 invalid_cursor anything not of the declared shape', () => {
    const forged = [
      'not base64 json %%%',
      raw(null),
      raw([1, 'a']),
      raw('text'),
      raw({ i: 'abc' }),
      raw({ c: '42', i: 'abc' }),
      raw({ c: 1.5, i: 'abc' }),
      raw({ c: 2 ** 60, i: 'abc' }),
      raw({ c: 1, i: 7 }),
      raw({ c: 1, i: 'a\u0000b' }),
      raw({ c: 1, i: 'x'.repeat(513) }),
      raw({ c: 1, i: 'abc', t: -1 }),
      raw({ c: 1, i: 'abc', t: 'many' }),
    ];
    expect(forged.map(refusal)).toEqual(forged.map(() => '400 invalid_cursor'));
  });
});
