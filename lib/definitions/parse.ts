/**
 * From the file's text to a checked DefinitionsFile: YAML (yaml.ts), then the strict file schema. Every error
 * names its path in the file and, where the file has that place, its line. Pure.
 */
import { AppError, type FieldErrors } from '@/lib/errors';
import { definitionsFileSchema, type DefinitionsFile } from './schemas';
import { formatPath, parseDefinitionsText, type PathSegment } from './yaml';

const SECRET_KEYS: Record<string, string> = {
  password: 'Passwords are never read from a definitions file: set it in Sources.',
  caPem: 'CA certificates are never read from a definitions file: set it in Sources.',
};

/** Parses the text and the file schema; errors name the path and the line. */
export function parseDefinitionsFile(text: string): DefinitionsFile {
  const parsed = parseDefinitionsText(text);
  const result = definitionsFileSchema.safeParse(parsed.value);
  if (result.success) return result.data;
  const fieldErrors: FieldErrors = {};
  const add = (path: PathSegment[], message: string) => {
    const where = parsed.locate(path);
    fieldErrors[formatPath(path) || 'file'] ??= where ? `${message} (${where})` : message;
  };
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...path, key], SECRET_KEYS[key] ?? `Unknown key "${key}".`);
    } else {
      add(path, issue.message);
    }
  }
  throw problemsError(fieldErrors, 'The file does not match the definitions format.');
}

export function problemsError(fieldErrors: FieldErrors, summary: string): AppError {
  const entries = Object.entries(fieldErrors);
  const [first] = entries;
  const message =
    entries.length === 1 && first ? `${first[0]}: ${first[1]}` : `${summary} (${entries.length} problems)`;
  return new AppError('validation', message, { fieldErrors });
}

/** Appends "(line 12, column 5)" to each message whose path is in the file. */
export function withLines(fieldErrors: FieldErrors, text: string): FieldErrors {
  const { locate } = parseDefinitionsText(text);
  const located: FieldErrors = {};
  for (const [key, message] of Object.entries(fieldErrors)) {
    const where = locate(parsePath(key));
    located[key] = where ? `${message} (${where})` : message;
  }
  return located;
}

export function parsePath(key: string): PathSegment[] {
  return [...key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? (m[1] ?? '') : Number(m[2]),
  );
}
