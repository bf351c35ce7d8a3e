/**
 * Reads a Postgres float8 array in its binary form (what `array_send` returns): a year of hourly rows travels as
 * one bytea and is copied out here, where the text form would be 50,000 numbers to print and parse again. Pure.
 *
 * Layout (big-endian int32 unless noted): number of dimensions, has-nulls flag, element type oid, then per
 * dimension its length and lower bound, then per element its byte length (-1 for NULL) and 8 bytes of float8.
 */

const FLOAT8_OID = 701;

/**
 * The columns of a two-dimensional float8 array (`array_agg(array[a, b, …])`): `columns[j][i]` is element j of
 * row i, NaN where it is NULL (typed arrays hold no null, and a float8 NaN is never stored where this is used).
 * An empty array (no rows) gives no columns.
 */
export function readFloat8Matrix(bytes: Uint8Array): Float64Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new Error(`Not a binary float8 matrix: ${why}.`);
  };
  if (bytes.byteLength < 12) fail('too short');
  const dimensions = view.getInt32(0);
  if (dimensions === 0) return [];
  if (dimensions !== 2) fail(`${dimensions} dimensions`);
  if (view.getInt32(8) !== FLOAT8_OID) fail(`element type ${view.getInt32(8)}`);
  if (bytes.byteLength < 28) fail('too short');
  const rows = view.getInt32(12);
  const width = view.getInt32(20);
  const columns = Array.from({ length: width }, () => new Float64Array(rows));
  let at = 28;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) {
      if (at + 4 > bytes.byteLength) fail('truncated');
      const length = view.getInt32(at);
      at += 4;
      const column = columns[j] as Float64Array;
      if (length === -1) {
        column[i] = NaN;
        continue;
      }
      if (length !== 8 || at + 8 > bytes.byteLength) fail('bad element');
      column[i] = view.getFloat64(at);
      at += 8;
    }
  }
  return columns;
}

/** An element of a column read by readFloat8Matrix: null for NULL (NaN) and past the end. */
export function elementAt(column: Float64Array, index: number): number | null {
  const x = column[index];
  return x === undefined || Number.isNaN(x) ? null : x;
}
