/** The name of the unique constraint a write violated (SQLSTATE 23505), or null for any other error. */
export function uniqueViolationName(error: unknown): string | null {
  // drizzle wraps driver errors; the SQLSTATE sits on the error or one of its causes.
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const fields = e as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    if (fields.code === '23505') {
      const name = fields.constraint_name ?? fields.constraint;
      return typeof name === 'string' ? name : '';
    }
  }
  return null;
}

/**
 * Runs a write and turns a violation of the named unique constraint into the caller's error. A check before the
 * write cannot close the race with a concurrent save; the constraint decides, and this says so in words.
 */
export async function onUniqueViolation<T>(
  constraint: string,
  toError: () => Error,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (uniqueViolationName(error) === constraint) throw toError();
    throw error;
  }
}
