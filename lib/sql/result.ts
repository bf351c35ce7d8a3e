/**
 * The outcome shared by every check in lib/sql: success with the text to run, or a coded, analyst-facing
 * refusal.
 */

export type GuardCode =
  | 'too_large'
  | 'too_deep'
  | 'bad_text'
  | 'syntax'
  | 'not_single_statement'
  | 'not_select'
  | 'write'
  | 'select_into'
  | 'locking'
  | 'denied_function'
  | 'settings'
  | 'table_function'
  | 'template'
  | 'row_filter'
  | 'unknown_column';

export type GuardSuccess = {
  ok: true;
  /**
   * The checked text to execute: for SELECTs the single statement without a trailing `;` (Postgres: with
   * placeholders already replaced by `$1, $2…`). It may end in a `--` comment, so wrap it on its own lines:
   * `SELECT * FROM (\n${normalized}\n) AS q LIMIT n`.
   */
  normalized: string;
  /** Placeholder names in parameter order: `params[0]` is bound to `$1`. Empty when none were used. */
  params: string[];
};

export type GuardFailure = {
  ok: false;
  code: GuardCode;
  message: string;
  /** UTF-16 index into the text the caller passed in, when the problem has a place. */
  position?: number;
};

export type GuardResult = GuardSuccess | GuardFailure;

export function fail(code: GuardCode, message: string, position?: number): GuardFailure {
  return position === undefined ? { ok: false, code, message } : { ok: false, code, message, position };
}

/** "line 3, column 7" for a UTF-16 index, so messages point analysts at the spot in a multi-line editor. */
export function describePosition(text: string, index: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${index - lineStart + 1}`;
}
