import { get, type FieldValues, type Path, type UseFormSetError } from 'react-hook-form';
import type { FieldErrors } from '@/lib/errors';

/**
 * Puts each server field error (keyed by path, such as `rowFilters.2.expression`) beside the field `placeAt`
 * names for it, focusing the first, and returns the messages no field on the form can show.
 */
export function applyServerFieldErrors<T extends FieldValues>(
  fields: FieldErrors | undefined,
  { setError, placeAt }: { setError: UseFormSetError<T>; placeAt: (path: string) => string | null },
): string[] {
  const unplaced: string[] = [];
  let focused = false;
  for (const [path, message] of Object.entries(fields ?? {})) {
    const target = placeAt(path);
    if (target === null) {
      unplaced.push(message);
      continue;
    }
    setError(target as Path<T>, { type: 'server', message }, { shouldFocus: !focused });
    focused = true;
  }
  return unplaced;
}

/** The error message at a dotted path of react-hook-form's errors, if any. */
export function errorAt(errors: object, path: string): string | undefined {
  const found: unknown = get(errors, path);
  if (found === null || typeof found !== 'object' || !('message' in found)) return undefined;
  return typeof found.message === 'string' && found.message !== '' ? found.message : undefined;
}
