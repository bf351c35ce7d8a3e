/**
 * Row filters (S9): named boolean fragments such as `status = 'completed'` that the engine pastes into larger
 * queries, e.g. `count(*) FILTER (WHERE (<fragment>))`.
 *
 * Parsing `SELECT 1 WHERE (<fragment>)` alone is not enough: `1=1) OR (1=1` parses there too, and pasted
 * elsewhere it closes the engine's parenthesis. So the fragment is first run through the real Postgres lexer
 * (libpg-query `scan`), and must (a) contain no comment, `;` or parameter, (b) have nothing between tokens
 * but whitespace, and (c) keep its parentheses and brackets balanced on its own, never closing one it did not
 * open. With that, `(<fragment>)` is one closed unit in any context, and the parse below checks that it is a
 * single expression built only from the allowed columns, constants, operators and non-aggregate functions.
 *
 * Column matching is exact against `columns` after the parser's own folding: unquoted names are lower-cased
 * (`Status` means `status`), quoted names are kept as written (`"Status"`). Pass the introspected names.
 */
import { isDeniedFunction } from './denylist';
import { lexPostgres } from './lexer';
import { findNestingProblem } from './nesting';
import { isRecord, numberField, parsePostgres, scanPostgres, stringList, walkTree } from './parser';
import { describePosition, fail, type GuardCode, type GuardResult } from './result';
import { byteOffsetMapper, findTextProblem, MAX_ROW_FILTER_BYTES } from './text';

const PREFIX = 'SELECT 1 WHERE (';
const SUFFIX = ')';

const AGGREGATES = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'array_agg',
  'string_agg',
  'bool_and',
  'bool_or',
  'every',
  'bit_and',
  'bit_or',
  'bit_xor',
  'json_agg',
  'jsonb_agg',
  'json_object_agg',
  'jsonb_object_agg',
  'json_arrayagg',
  'json_objectagg',
  'xmlagg',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_avgx',
  'regr_avgy',
  'regr_count',
  'regr_intercept',
  'regr_r2',
  'regr_slope',
  'regr_sxx',
  'regr_sxy',
  'regr_syy',
  'any_value',
  'range_agg',
  'range_intersect_agg',
]);

const AGGREGATE_FIELDS = ['agg_star', 'agg_distinct', 'agg_filter', 'agg_within_group', 'agg_order'] as const;

type Violation = { code: GuardCode; message: string; location?: number };

function isWhitespaceByte(byte: number | undefined): boolean {
  return byte === 0x20 || (byte !== undefined && byte >= 0x09 && byte <= 0x0d);
}

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 20).join(', ');
  return columns.length > 20 ? `${shown}, …` : shown || '(none)';
}

/** The token-level rules (a)–(c); returns a problem at a UTF-16 position of the fragment, or null. */
async function findTokenProblem(
  fragment: string,
): Promise<{ code: GuardCode; message: string; position: number } | null> {
  const tokens = await scanPostgres(fragment);
  if (tokens === null) return null; // the parse below reports the lexer error with a position
  const bytes = new TextEncoder().encode(fragment);
  const toIndex = byteOffsetMapper(fragment);
  let previousEnd = 0;
  let parens = 0;
  let brackets = 0;
  for (const token of [...tokens, { start: bytes.length, end: bytes.length, text: '', tokenName: 'EOF' }]) {
    for (let b = previousEnd; b < token.start; b++) {
      if (!isWhitespaceByte(bytes[b])) {
        return {
          code: 'row_filter',
          message: 'The row filter contains text the SQL lexer skipped.',
          position: toIndex(b),
        };
      }
    }
    previousEnd = token.end;
    const position = toIndex(token.start);
    if (token.tokenName === 'C_COMMENT' || token.tokenName === 'SQL_COMMENT') {
      return { code: 'row_filter', message: 'Comments are not allowed in row filters.', position };
    }
    if (token.tokenName === 'PARAM') {
      return { code: 'template', message: 'Parameters such as $1 are not allowed in row filters.', position };
    }
    switch (token.text) {
      case ';':
        return {
          code: 'row_filter',
          message: 'A row filter is a single condition; remove the ";".',
          position,
        };
      case '{':
      case '}':
        return {
          code: 'template',
          message: 'Placeholders such as {{start}} are not allowed in row filters.',
          position,
        };
      case '(':
        parens++;
        break;
      case '[':
        brackets++;
        break;
      case ')':
      case ']':
        if (token.text === ')') parens--;
        else brackets--;
        if (parens < 0 || brackets < 0) {
          return {
            code: 'row_filter',
            message: `The row filter closes a "${token.text}" it did not open; a row filter must be one self-contained condition.`,
            position,
          };
        }
        break;
    }
  }
  if (parens !== 0 || brackets !== 0) {
    return {
      code: 'row_filter',
      message: 'The row filter has unbalanced parentheses or brackets.',
      position: fragment.length,
    };
  }
  return null;
}

function findExpressionViolation(
  where: unknown,
  columns: ReadonlySet<string>,
  columnList: readonly string[],
): Violation | null {
  return walkTree<Violation>(where, (key, value, parent) => {
    const location = isRecord(value) ? numberField(value, 'location') : undefined;
    if (key === 'SubLink' || key.endsWith('Stmt')) {
      return { code: 'row_filter', message: 'Subqueries are not allowed in row filters.', location };
    }
    if (key === 'ParamRef') {
      return { code: 'template', message: 'Parameters such as $1 are not allowed in row filters.', location };
    }
    if (key === 'GroupingFunc') {
      return { code: 'row_filter', message: 'GROUPING() is not allowed in row filters.', location };
    }
    if (key === 'funcname') {
      const names = stringList(value) ?? [];
      const last = names[names.length - 1] ?? '';
      const at = numberField(parent, 'location');
      if (isDeniedFunction(last)) {
        return {
          code: 'denied_function',
          message: `Function ${names.join('.')} is not allowed in Sightline queries.`,
          location: at,
        };
      }
      if (parent.over !== undefined) {
        return {
          code: 'row_filter',
          message: 'Window functions are not allowed in row filters.',
          location: at,
        };
      }
      if (
        AGGREGATES.has(last.toLowerCase()) ||
        AGGREGATE_FIELDS.some((field) => parent[field] !== undefined)
      ) {
        return {
          code: 'row_filter',
          message: `Aggregate functions such as ${names.join('.')}() are not allowed in row filters; a row filter tests one row.`,
          location: at,
        };
      }
      return null;
    }
    if (key === 'ColumnRef' && isRecord(value)) {
      const fields = Array.isArray(value.fields) ? value.fields : [];
      const only = fields.length === 1 ? fields[0] : undefined;
      if (isRecord(only) && 'A_Star' in only) {
        return { code: 'row_filter', message: '"*" is not allowed in row filters.', location };
      }
      const names = stringList(fields);
      if (names === null || names.length !== 1) {
        return {
          code: 'row_filter',
          message: 'Write column names without a table or schema prefix in row filters.',
          location,
        };
      }
      const name = names[0] ?? '';
      if (!columns.has(name)) {
        return {
          code: 'unknown_column',
          message: `Unknown column "${name}" in the row filter; available columns: ${listColumns(columnList)}.`,
          location,
        };
      }
    }
    return null;
  });
}

/** The wrapper must parse to exactly `SELECT 1 WHERE <expr>`: nothing else in the statement. */
function whereClauseOf(stmts: unknown[]): unknown {
  if (stmts.length !== 1) return undefined;
  const only = stmts[0];
  const select =
    isRecord(only) && isRecord(only.stmt) && isRecord(only.stmt.SelectStmt) ? only.stmt.SelectStmt : null;
  if (select === null) return undefined;
  const allowedKeys = new Set(['targetList', 'whereClause', 'limitOption', 'op']);
  if (Object.keys(select).some((key) => !allowedKeys.has(key)) || select.op !== 'SETOP_NONE')
    return undefined;
  const targets = Array.isArray(select.targetList) ? select.targetList : [];
  const target = targets.length === 1 ? targets[0] : undefined;
  const val = isRecord(target) && isRecord(target.ResTarget) ? target.ResTarget.val : undefined;
  const constant = isRecord(val) && isRecord(val.A_Const) ? val.A_Const : undefined;
  const ival = constant !== undefined && isRecord(constant.ival) ? constant.ival.ival : undefined;
  if (
    ival !== 1 ||
    target === undefined ||
    (isRecord(target.ResTarget) && target.ResTarget.name !== undefined)
  ) {
    return undefined;
  }
  return select.whereClause;
}

/**
 * Accepts a row-filter fragment only if it is one self-contained boolean expression over `columns`
 * (see the file comment for the exact rules). `normalized` is the trimmed fragment.
 */
export async function checkRowFilter(fragment: string, columns: readonly string[]): Promise<GuardResult> {
  if (typeof fragment !== 'string') return fail('bad_text', 'The row filter must be text.');
  const textProblem = findTextProblem(fragment, { maxBytes: MAX_ROW_FILTER_BYTES, label: 'The row filter' });
  if (textProblem !== null) return fail(textProblem.code, textProblem.message, textProblem.position);
  const { tokens } = lexPostgres(fragment);
  if (tokens.length === 0)
    return fail('row_filter', "The row filter is empty; write a condition such as status = 'completed'.");
  const nesting = findNestingProblem(fragment, tokens);
  if (nesting !== null) return fail(nesting.code, nesting.message, nesting.position);

  const tokenProblem = await findTokenProblem(fragment);
  if (tokenProblem !== null) return fail(tokenProblem.code, tokenProblem.message, tokenProblem.position);

  const wrapped = `${PREFIX}${fragment}${SUFFIX}`;
  const parsed = await parsePostgres(wrapped);
  const toFragment = (index: number): number => Math.max(0, Math.min(fragment.length, index - PREFIX.length));
  if (!parsed.ok) {
    const position = parsed.position === undefined ? undefined : toFragment(parsed.position);
    const where = position === undefined ? '' : ` (${describePosition(fragment, position)})`;
    return fail('syntax', `${parsed.message}${where}.`, position);
  }
  const where = whereClauseOf(parsed.stmts);
  if (where === undefined) {
    return fail('row_filter', "The row filter must be a single condition, such as status = 'completed'.");
  }
  if (isRecord(where) && isRecord(where.A_Const) && where.A_Const.boolval === undefined) {
    return fail(
      'row_filter',
      "The row filter must be a condition, such as status = 'completed', not a bare value.",
      0,
    );
  }
  const toIndex = byteOffsetMapper(wrapped);
  const violation = findExpressionViolation(where, new Set(columns), columns);
  if (violation !== null) {
    const position = violation.location === undefined ? undefined : toFragment(toIndex(violation.location));
    return fail(violation.code, violation.message, position);
  }
  return { ok: true, normalized: fragment.trim(), params: [] };
}
