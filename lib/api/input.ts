/**
 * Request input for the REST API: JSON bodies read with a size cap and checked for prototype keys before any
 * schema sees them, query strings parsed strictly (an unknown or repeated parameter is an error, not ignored),
 * and zod issues turned into field errors keyed by path.
 */
import type { z } from 'zod';
import { AppError, type FieldErrors } from '@/lib/errors';
import { readBodyCapped } from '@/lib/http/body';

/** Larger bodies are refused before they are read in full (SECURITY A7). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deeper JSON is refused: no input of the API nests anywhere near this. */
export const MAX_JSON_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const invalid = (message: string, fields: FieldErrors) =>
  new AppError('validation', message, { fieldErrors: fields });

/** Sets a field error as an own property, even for a key like `__proto__` that plain assignment would not set. */
function setField(fields: FieldErrors, key: string, message: string): void {
  if (Object.hasOwn(fields, key)) return;
  Object.defineProperty(fields, key, {
    value: message,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Field errors from zod issues; unknown keys are reported at their own path, one entry per key. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) setField(fields, [...base, key].join('.'), 'Unknown field.');
      continue;
    }
    setField(fields, base.join('.') || '_', issue.message);
  }
  return fields;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, message: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(message, fieldErrorsOf(result.error));
  return result.data;
}

/** Refuses `__proto__`, `constructor` and `prototype` keys anywhere, and nesting deeper than MAX_JSON_DEPTH. */
export function assertPlainJson(value: unknown): void {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop() as { value: unknown; path: string[] };
    if (node === null || typeof node !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) {
      throw invalid('The JSON body nests too deeply.', { [path.join('.') || '_']: 'Nested too deeply.' });
    }
    for (const key of Object.keys(node)) {
      const at = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) {
        throw invalid('The JSON body has a key that is not allowed.', {
          [at.join('.')]: 'This key is not allowed.',
        });
      }
      stack.push({ value: (node as Record<string, unknown>)[key], path: at });
    }
  }
}

function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

/**
 * The request body as JSON: `undefined` when there is none. Anything but `Content-Type: application/json`, a
 * body over MAX_BODY_BYTES, malformed JSON and forbidden keys are refused before the body reaches a schema.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await readBodyCapped(request, MAX_BODY_BYTES);
  if (text.trim() === '') return undefined;
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw invalid('Send the body as JSON with Content-Type: application/json.', {
      _: 'Content-Type must be application/json.',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('The body is not valid JSON.', { _: 'Not valid JSON.' });
  }
  assertPlainJson(value);
  return value;
}

/** Query parameters as an object of strings; a parameter given twice is an error. */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  const repeated: FieldErrors = {};
  for (const [key, value] of url.searchParams) {
    if (FORBIDDEN_KEYS.has(key)) setField(repeated, key, 'This parameter is not allowed.');
    else if (Object.hasOwn(out, key)) setField(repeated, key, 'Give this parameter once.');
    else out[key] = value;
  }
  if (Object.keys(repeated).length > 0) throw invalid('Some query parameters need attention.', repeated);
  return out;
}
