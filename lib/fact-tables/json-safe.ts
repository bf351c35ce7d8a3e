/**
 * Sample rows go to the browser as JSON: drivers hand back Dates, bigints and byte arrays, which JSON either
 * cannot encode (bigint throws) or encodes lossily. Everything is turned into plain JSON values here.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function toJsonSafe(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // NaN and ±Infinity are valid numeric values in Postgres but become null in JSON.
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(toJsonSafe);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, inner] of Object.entries(value)) out[key] = toJsonSafe(inner);
  return out;
}

export function toJsonSafeRow(row: Record<string, unknown>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(row)) out[key] = toJsonSafe(value);
  return out;
}
