/**
 * The SQL guard: decides whether user SQL may run (S4, B1, B4). Pure: no database I/O.
 *
 * Postgres SQL is parsed by the real Postgres parser (libpg-query) and accepted only if it is exactly one
 * SelectStmt whose whole tree has no other statement (data-modifying CTEs included), no SELECT INTO, no
 * locking clause and no denylisted function. Cheap text checks run first, so oversized, deeply nested or
 * pathological input never reaches the parser. This is defence in depth: the sandboxed runner (read-only
 * transaction, timeouts, rollback) and the warehouse role's privileges still apply to everything accepted
 * here.
 */
import { checkClickHouseSelect } from './clickhouse';
import { isDeniedFunction } from './denylist';
import { lexPostgres, type Token } from './lexer';
import { findNestingProblem } from './nesting';
import { isRecord, numberField, parsePostgres, stringList, walkTree } from './parser';
import { bindPlaceholderTokens, PlaceholderError, toSourcePosition, type BoundSql } from './placeholders';
import { describePosition, fail, type GuardCode, type GuardResult } from './result';
import { byteOffsetMapper, findTextProblem, MAX_SQL_BYTES } from './text';

export type { GuardCode, GuardFailure, GuardResult, GuardSuccess } from './result';
export { checkRowFilter } from './row-filter';
export { isValidIdentifier, quoteIdent } from './identifiers';
export { SqlParserUnavailableError } from './parser';

export type SqlDialect = 'postgres' | 'clickhouse';

export type CheckSelectOptions = {
  dialect?: SqlDialect;
  /**
   * Placeholder names this SQL may use (`['start', 'end']` for SQL metrics). When given, `{{name}}` is bound
   * to `$n` (Postgres) and `params` in the result lists the names in parameter order. When omitted, any
   * placeholder or `$n` parameter is rejected.
   */
  placeholders?: readonly string[];
};

type Violation = { code: GuardCode; message: string; location?: number };

const WRITE_STATEMENTS: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};

const STATEMENT_LABELS: Readonly<Record<string, string>> = {
  CreateTableAsStmt: 'CREATE TABLE AS / SELECT INTO',
  ExplainStmt: 'EXPLAIN',
  CopyStmt: 'COPY',
  LockStmt: 'LOCK',
  VariableSetStmt: 'SET / RESET',
  VariableShowStmt: 'SHOW',
  TransactionStmt: 'Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT)',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  VacuumStmt: 'VACUUM / ANALYZE',
  DiscardStmt: 'DISCARD',
  ListenStmt: 'LISTEN',
  UnlistenStmt: 'UNLISTEN',
  NotifyStmt: 'NOTIFY',
  GrantStmt: 'GRANT / REVOKE',
  GrantRoleStmt: 'GRANT / REVOKE',
  AlterSystemStmt: 'ALTER SYSTEM',
  CheckPointStmt: 'CHECKPOINT',
  LoadStmt: 'LOAD',
  ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
  SecLabelStmt: 'SECURITY LABEL',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  CreateStmt: 'CREATE TABLE',
  DropStmt: 'DROP',
  TruncateStmt: 'TRUNCATE',
  DeclareCursorStmt: 'DECLARE CURSOR',
  FetchStmt: 'FETCH',
  ClosePortalStmt: 'CLOSE',
  ViewStmt: 'CREATE VIEW',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE',
  CommentStmt: 'COMMENT ON',
  ReindexStmt: 'REINDEX',
  ClusterStmt: 'CLUSTER',
};

const LOCK_STRENGTHS: Readonly<Record<string, string>> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

function isStatementKey(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 0x41 && first <= 0x5a && key.endsWith('Stmt');
}

/** `AlterTableStmt` → `ALTER TABLE`, for statements without a hand-written label. */
function statementLabel(key: string): string {
  const known = WRITE_STATEMENTS[key] ?? STATEMENT_LABELS[key];
  if (known !== undefined) return known;
  return key
    .slice(0, -'Stmt'.length)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

function statementViolation(key: string, nested: boolean, location: number | undefined): Violation {
  const label = statementLabel(key);
  const write = WRITE_STATEMENTS[key] !== undefined;
  if (nested) {
    return {
      code: write ? 'write' : 'not_select',
      message: write
        ? `A data-modifying ${label} inside the query is not allowed: Sightline queries are read-only.`
        : `${label} is not allowed inside a query: Sightline runs a single read-only SELECT.`,
      location,
    };
  }
  return {
    code: write ? 'write' : 'not_select',
    message: write
      ? `${label} is not allowed: Sightline queries are read-only. Write a SELECT.`
      : `${label} is not allowed: Sightline runs a single read-only SELECT (WITH … SELECT, VALUES and TABLE are fine).`,
    location,
  };
}

type ParamRef = { number: number; location: number };

/** Whole-tree check of the one top-level SelectStmt; collects ParamRefs for the placeholder cross-check. */
function findViolation(select: unknown, params: ParamRef[]): Violation | null {
  return walkTree<Violation>(select, (key, value, parent) => {
    if (isStatementKey(key) && key !== 'SelectStmt') {
      const location = isRecord(value) ? numberField(value, 'location') : undefined;
      return statementViolation(key, true, location);
    }
    if (key === 'intoClause' || key === 'IntoClause') {
      if (value === null || value === undefined) return null;
      const rel = isRecord(value) && isRecord(value.rel) ? value.rel : undefined;
      return {
        code: 'select_into',
        message: 'SELECT INTO creates a table and is not allowed; remove the INTO clause.',
        location: rel === undefined ? undefined : numberField(rel, 'location'),
      };
    }
    if (key === 'LockingClause' || (key === 'lockingClause' && Array.isArray(value) && value.length > 0)) {
      const clause = Array.isArray(value) ? value[0] : { LockingClause: value };
      const body = isRecord(clause) && isRecord(clause.LockingClause) ? clause.LockingClause : {};
      const strength = typeof body.strength === 'string' ? LOCK_STRENGTHS[body.strength] : undefined;
      return {
        code: 'locking',
        message: `Locking clauses (${strength ?? 'FOR UPDATE / FOR SHARE'}) are not allowed: Sightline queries are read-only.`,
      };
    }
    if (key === 'funcname') {
      const names = stringList(value);
      const last = names?.[names.length - 1];
      if (names !== null && last !== undefined && isDeniedFunction(last)) {
        return {
          code: 'denied_function',
          message: `Function ${names.join('.')} is not allowed in Sightline queries.`,
          location: numberField(parent, 'location'),
        };
      }
      return null;
    }
    if (key === 'RangeTableSample' && isRecord(value)) {
      // A TABLESAMPLE method is a function too; the built-in ones are never on the denylist.
      const names = stringList(value.method);
      const last = names?.[names.length - 1];
      if (names !== null && last !== undefined && isDeniedFunction(last)) {
        return {
          code: 'denied_function',
          message: `Function ${names.join('.')} is not allowed in Sightline queries.`,
          location: numberField(value, 'location'),
        };
      }
      return null;
    }
    if (key === 'ParamRef' && isRecord(value)) {
      params.push({
        number: numberField(value, 'number') ?? 0,
        location: numberField(value, 'location') ?? -1,
      });
    }
    return null;
  });
}

function hasPlaceholderBraces(sql: string, tokens: readonly Token[]): Token | null {
  for (let t = 0; t + 1 < tokens.length; t++) {
    const a = tokens[t];
    const b = tokens[t + 1];
    if (a === undefined || b === undefined) break;
    if (
      a.kind === 'punct' &&
      b.kind === 'punct' &&
      sql[a.start] === '{' &&
      sql[b.start] === '{' &&
      b.start === a.end
    ) {
      return a;
    }
  }
  return null;
}

function firstParam(tokens: readonly Token[]): Token | null {
  return tokens.find((token) => token.kind === 'param') ?? null;
}

/**
 * Accepts exactly one read-only SELECT (S4). For Postgres the result's `normalized` text is what must run,
 * with `params` bound in order; ClickHouse SQL is checked by clickhouse.ts (token-level, see there).
 */
export async function checkSelect(sql: string, opts: CheckSelectOptions = {}): Promise<GuardResult> {
  if (typeof sql !== 'string') return fail('bad_text', 'The query must be text.');
  const textProblem = findTextProblem(sql, { maxBytes: MAX_SQL_BYTES, label: 'The query' });
  if (textProblem !== null) return fail(textProblem.code, textProblem.message, textProblem.position);
  if (opts.dialect === 'clickhouse') return checkClickHouseSelect(sql, { placeholders: opts.placeholders });

  const { tokens } = lexPostgres(sql);
  const nesting = findNestingProblem(sql, tokens);
  if (nesting !== null) return fail(nesting.code, nesting.message, nesting.position);
  if (tokens.every((token) => token.kind === 'comment')) {
    return fail('not_single_statement', 'The query is empty; write one SELECT statement.');
  }

  let bound: BoundSql = { text: sql, names: [], occurrences: [] };
  if (opts.placeholders !== undefined) {
    try {
      bound = bindPlaceholderTokens(sql, tokens, opts.placeholders);
    } catch (error) {
      if (error instanceof PlaceholderError) return fail('template', error.message, error.position);
      throw error;
    }
  } else {
    const braces = hasPlaceholderBraces(sql, tokens);
    if (braces !== null) {
      return fail(
        'template',
        'Placeholders such as {{start}} can only be used in SQL metrics.',
        braces.start,
      );
    }
    const param = firstParam(tokens);
    if (param !== null) {
      return fail('template', 'Positional parameters such as $1 are not allowed here.', param.start);
    }
  }

  const text = bound.text;
  const toSource = (boundIndex: number): number => toSourcePosition(bound, boundIndex);
  const parsed = await parsePostgres(text);
  if (!parsed.ok) {
    const position = parsed.position === undefined ? undefined : toSource(parsed.position);
    const where = position === undefined ? '' : ` (${describePosition(sql, position)})`;
    return fail('syntax', `${parsed.message}${where}.`, position);
  }

  const toIndex = byteOffsetMapper(text);
  const sourcePosition = (byteLocation: number | undefined): number | undefined =>
    byteLocation === undefined || byteLocation < 0 ? undefined : toSource(toIndex(byteLocation));

  const { stmts } = parsed;
  if (stmts.length === 0)
    return fail('not_single_statement', 'The query is empty; write one SELECT statement.');
  if (stmts.length > 1) {
    const second = stmts[1];
    const location = isRecord(second) ? numberField(second, 'stmt_location') : undefined;
    return fail(
      'not_single_statement',
      `Only one SELECT statement is allowed; found ${stmts.length} statements.`,
      sourcePosition(location),
    );
  }
  const statement = stmts[0];
  const stmt = isRecord(statement) && isRecord(statement.stmt) ? statement.stmt : null;
  const stmtKey = stmt === null ? undefined : Object.keys(stmt)[0];
  if (!isRecord(statement) || stmt === null || stmtKey === undefined) {
    throw new Error('Unexpected parse tree: statement without a node.');
  }
  // Postgres reports the statement's extent in bytes; it excludes the trailing `;` but may keep a comment.
  const startByte = numberField(statement, 'stmt_location') ?? 0;
  const lengthBytes = numberField(statement, 'stmt_len') ?? 0;
  if (stmtKey !== 'SelectStmt') {
    const violation = statementViolation(stmtKey, false, startByte);
    return fail(violation.code, violation.message, sourcePosition(violation.location));
  }

  const params: ParamRef[] = [];
  const violation = findViolation(stmt, params);
  if (violation !== null) return fail(violation.code, violation.message, sourcePosition(violation.location));

  const paramProblem = checkParams(bound, params, toIndex);
  if (paramProblem !== null) {
    const position = paramProblem.boundIndex === undefined ? undefined : toSource(paramProblem.boundIndex);
    return fail('template', paramProblem.message, position);
  }

  const start = toIndex(startByte);
  const end = lengthBytes > 0 ? toIndex(startByte + lengthBytes) : text.length;
  return { ok: true, normalized: text.slice(start, end).trim(), params: [...bound.names] };
}

/**
 * Every ParamRef must sit exactly where bindPlaceholders put a `$n`, and every `$n` must have become a
 * ParamRef; otherwise the placeholder lexer and Postgres disagree about the text, and it is refused.
 */
function checkParams(
  bound: BoundSql,
  params: readonly ParamRef[],
  toIndex: (byteOffset: number) => number,
): { message: string; boundIndex?: number } | null {
  const expected = new Map<number, number>();
  for (const occurrence of bound.occurrences) expected.set(occurrence.paramIndex, occurrence.number);
  const seen = new Set<number>();
  for (const param of params) {
    const index = toIndex(param.location);
    if (expected.get(index) !== param.number) {
      const message =
        bound.occurrences.length === 0
          ? 'Positional parameters such as $1 are not allowed here.'
          : `Unexpected parameter $${param.number}; use only the allowed placeholders.`;
      return { message, boundIndex: index };
    }
    seen.add(index);
  }
  for (const occurrence of bound.occurrences) {
    if (!seen.has(occurrence.paramIndex)) {
      return {
        message: `Placeholder {{${occurrence.name}}} is not in a position where a value can go.`,
        boundIndex: occurrence.paramIndex,
      };
    }
  }
  return null;
}
