import { describe, expect, it } from 'vitest';
import { elementAt, readFloat8Matrix } from './float8-array';

// What Postgres returns, as hex, for array_send(...) of these arrays.
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const MATRIX = hex(
  '0000000200000001000002bd00000002000000010000000300000001000000083ff8000000000000ffffffff00000008c0000000' +
    '00000000000000080000000000000000000000087e37e43c8800759c000000084008000000000000',
); // array[[1.5, null, -2], [0, 1e300, 3]]::float8[]
const EMPTY = hex('0000000000000000000002bd'); // '{}'::float8[]
const VECTOR = hex('0000000100000000000002bd0000000100000001000000083ff8000000000000'); // array[1.5]::float8[]
const INTS = hex('000000020000000000000017000000010000000100000001000000010000000400000001'); // array[[1]]::int4[]

describe('readFloat8Matrix', () => {
  it('reads a two-dimensional array into columns, NULL as null', () => {
    const columns = readFloat8Matrix(MATRIX);
    expect(columns.map((c) => [...c].map((_, i) => elementAt(c, i)))).toEqual([
      [1.5, 0],
      [null, 1e300],
      [-2, 3],
    ]);
    expect(elementAt(columns[0]!, 2)).toBeNull();
  });

  it('reads an empty array as no columns', () => {
    expect(readFloat8Matrix(EMPTY)).toEqual([]);
  });

  it('reads from a view into a larger buffer, as drivers hand out', () => {
    const padded = new Uint8Array(MATRIX.byteLength + 16);
    padded.set(MATRIX, 7);
    expect([...readFloat8Matrix(padded.subarray(7, 7 + MATRIX.byteLength))[2]!]).toEqual([-2, 3]);
  });

  it('refuses anything else loudly', () => {
    expect(() => readFloat8Matrix(VECTOR)).toThrow(/1 dimensions/);
    expect(() => readFloat8Matrix(INTS)).toThrow(/element type 23/);
    expect(() => readFloat8Matrix(MATRIX.subarray(0, MATRIX.byteLength - 3))).toThrow(
      /truncated|bad element/,
    );
    expect(() => readFloat8Matrix(new Uint8Array(4))).toThrow(/too short/);
  });
});
