/**
 * Typed errors, mapped once per transport. The message is written for the user; `cause` is logged, never sent.
 */
import { z } from 'zod';

export const ERROR_STATUS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  warehouse: 422,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldErrors;
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { fieldErrors?: FieldErrors; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = opts.fieldErrors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`);
export const forbidden = (message = 'You do not have permission to do that.') =>
  new AppError('forbidden', message);
export const unauthorized = (message = 'Sign in to continue.') => new AppError('unauthorized', message);
export const conflict = (message: string) => new AppError('conflict', message);

/** Turns zod issues into a path → message map the forms show beside each field. */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function validationError(error: z.ZodError, message = 'Some fields need attention.'): AppError {
  return new AppError('validation', message, { fieldErrors: toFieldErrors(error), cause: error });
}

/** Parses input with a schema, raising a field-level validation error instead of a ZodError. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

export type PublicError = { code: ErrorCode; message: string; fields?: FieldErrors; ref?: string };

/** The client-facing view of any thrown value: AppErrors as they are, anything else as an opaque internal error. */
export function toPublicError(error: unknown, ref: string): PublicError {
  if (error instanceof AppError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.fieldErrors ? { fields: error.fieldErrors } : {}),
    };
  }
  if (error instanceof z.ZodError) {
    return { code: 'validation', message: 'Some fields need attention.', fields: toFieldErrors(error) };
  }
  return { code: 'internal', message: `Something went wrong (ref ${ref}).`, ref };
}

export function statusOf(error: unknown): number {
  if (error instanceof AppError) return error.status;
  if (error instanceof z.ZodError) return 400;
  return 500;
}
