/**
 * Series views as UTF-8 JSON, kept per process as bytes, so a hit is sent without serializing or encoding. An
 * entry's key holds everything the view is built from — the metric's row as read (its definition fields,
 * watermark, first bucket), its series version, the project's time zone, the resolved range and the overlays —
 * and the series version moves with every write to what the view shows (database triggers). So a hit is never stale: any change makes a new key, and the old entry ages out of
 * the LRU. Every instance keeps its own cache; nothing has to be invalidated across instances.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Bytes of JSON kept in all. */
const MAX_CACHED_BYTES = 64 * 1024 * 1024;
/** A view larger than this (a custom range of years with overlays) is served but not kept. */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** JSON text as UTF-8 bytes, ready to be a response body. */
export type Json = Uint8Array<ArrayBuffer>;
const encoder = new TextEncoder();

const cache = new LRUCache<string, Json>({
  maxSize: MAX_CACHED_BYTES,
  maxEntrySize: MAX_ENTRY_BYTES,
  sizeCalculation: (json) => Math.max(1, json.byteLength),
});

/** One key from the parts a view is built from, in a fixed order. */
export function seriesCacheKey(parts: readonly (string | number | boolean | null)[]): string {
  return JSON.stringify(parts);
}

/** A strong validator of the view a key stands for: the key names everything the view is built from. */
export function etagOf(key: string): string {
  return `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
}

/** Builds under way, so readers arriving together after a change build the view once. */
const building = new Map<string, Promise<Json>>();

/** The cached JSON for `key`, or that of `build()`'s value, kept for the next reader. */
export async function cachedJson(key: string, build: () => Promise<unknown>): Promise<Json> {
  const found = cache.get(key);
  if (found !== undefined) return found;
  const pending = building.get(key);
  if (pending) return pending;
  const promise = build().then((value) => {
    const json = encoder.encode(JSON.stringify(value));
    cache.set(key, json);
    return json;
  });
  building.set(key, promise);
  try {
    return await promise;
  } finally {
    building.delete(key);
  }
}
