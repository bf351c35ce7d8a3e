import { describe, expect, it } from 'vitest';
import { toJsonSafeRow } from './json-safe';

describe('toJsonSafeRow', () => {
  it('turns driver values into values JSON keeps unchanged', () => {
    const row = toJsonSafeRow({
      at: new Date('2025-01-01T00:00:00Z'),
      big: 9007199254740993n,
      bytes: new Uint8Array([1, 255]),
      nan: Number.NaN,
      nested: { list: [new Date('2025-01-02T00:00:00Z'), null, undefined] },
      text: 'a',
    });
    expect(row).toEqual({
      at: '2025-01-01T00:00:00.000Z',
      big: '9007199254740993',
      bytes: '\\x01ff',
      nan: 'NaN',
      nested: { list: ['2025-01-02T00:00:00.000Z', null, null] },
      text: 'a',
    });
    expect(JSON.parse(JSON.stringify(row))).toEqual(row);
  });
});
