/**
 * The definitions file's text: parsing with positions for error messages, and writing in one fixed layout so
 * that the same catalog always gives the same bytes. Pure: no database.
 *
 * Parsing is deliberately narrow: YAML 1.2 core schema, no anchors or aliases (no "billion laughs"), no custom
 * tags, unique keys, one document, and only plain objects, arrays, strings, numbers, booleans and null come out.
 */
import {
  CST,
  Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  visit,
} from 'yaml';
import { AppError, type FieldErrors } from '@/lib/errors';
import { MAX_DEFINITIONS_FILE_BYTES } from './schemas';

export type PathSegment = string | number;

/** `metrics[3].definition.operand.factTable`: how errors name a place in the file. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

export type ParsedDefinitionsText = {
  value: unknown;
  /** "line 12, column 5" for the deepest node of the path that exists in the file, or null. */
  locate: (path: readonly PathSegment[]) => string | null;
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;
/** Far more than a definitions file needs; deeper nesting is only there to make the parser recurse. */
const MAX_FLOW_DEPTH = 32;
const MAX_BLOCK_INDICATORS_PER_LINE = 8;
const MAX_INDENT = 128;

const fileError = (message: string, fieldErrors: FieldErrors = { file: message }) =>
  new AppError('validation', message, { fieldErrors });

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

export function parseDefinitionsText(text: string): ParsedDefinitionsText {
  const bytes = utf8Length(text);
  if (bytes > MAX_DEFINITIONS_FILE_BYTES) {
    const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
    throw fileError(
      `The file is ${mb(bytes)}; definitions files can be at most ${mb(MAX_DEFINITIONS_FILE_BYTES)}.`,
    );
  }
  if (text.trim() === '') throw fileError('The file is empty; paste or choose a definitions file.');

  const nesting = findNestingProblem(text);
  if (nesting) throw fileError(`The file cannot be read: ${nesting}`);

  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      schema: 'core',
      merge: false,
      uniqueKeys: true,
      strict: true,
    });
  } catch (error) {
    // The parser recurses per nesting level; absurd nesting ends here rather than in a crash.
    if (error instanceof RangeError) throw fileError('The file is nested too deeply to read.');
    throw error;
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const where = problem.pos ? `${at(problem.pos[0])}: ` : '';
    throw fileError(`The file is not valid YAML: ${where}${firstLine(problem.message)}`);
  }

  let refusal: string | null = null;
  visit(doc, {
    Alias(_key, node) {
      refusal = `${node.range ? `${at(node.range[0])}: ` : ''}anchors and aliases (*name) are not supported; write the value out.`;
      return visit.BREAK;
    },
    Scalar(_key, node) {
      const value: unknown = node.value;
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return undefined;
      refusal = `${node.range ? `${at(node.range[0])}: ` : ''}only text, numbers, true/false and null are allowed (found ${node.tag ?? typeof value}).`;
      return visit.BREAK;
    },
  });
  if (refusal !== null) throw fileError(`The file cannot be read: ${refusal}`);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (error) {
    if (error instanceof RangeError) throw fileError('The file is nested too deeply to read.');
    throw error;
  }

  const locate = (path: readonly PathSegment[]): string | null => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node: unknown = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return null;
  };

  const keyProblems = findKeyProblems(value);
  if (keyProblems.length > 0) {
    const fieldErrors: FieldErrors = {};
    for (const { path, message } of keyProblems) {
      const where = locate(path.slice(0, -1));
      fieldErrors[formatPath(path)] = where ? `${message} (${where})` : message;
    }
    throw new AppError('validation', 'The file has keys that are not allowed.', { fieldErrors });
  }
  return { value, locate };
}

/**
 * Nesting deep enough to exhaust the parser's recursion, found with the lexer (which does not recurse and knows
 * quoted text and block scalars from structure) before the parser runs: brackets, `- - -` on one line, and
 * indentation. Stops at the first problem, so an absurd file costs almost nothing.
 */
function findNestingProblem(text: string): string | null {
  let line = 1;
  let flow = 0;
  let indicators = 0;
  let atLineStart = true;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      line += 1;
      indicators = 0;
      atLineStart = true;
      continue;
    }
    if (atLineStart && type === 'space' && token.length > MAX_INDENT && !token.includes('\n')) {
      return `line ${line} is indented more than ${MAX_INDENT} spaces.`;
    }
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      flow += 1;
      if (flow > MAX_FLOW_DEPTH)
        return `line ${line} nests [ ] and { } more than ${MAX_FLOW_DEPTH} levels deep.`;
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      flow = Math.max(0, flow - 1);
    } else if (
      flow === 0 &&
      (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind')
    ) {
      indicators += 1;
      if (indicators > MAX_BLOCK_INDICATORS_PER_LINE)
        return `line ${line} nests too many levels on one line.`;
    }
    if (type !== 'space') atLineStart = false;
    // A block scalar's content arrives as one token spanning its lines.
    line += countNewlines(token);
  }
  return null;
}

function countNewlines(token: string): number {
  let n = 0;
  for (let i = token.indexOf('\n'); i !== -1; i = token.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** `__proto__`, `constructor` and `prototype` keys, anywhere, and nesting deeper than any definition needs. */
function findKeyProblems(
  value: unknown,
  path: PathSegment[] = [],
): { path: PathSegment[]; message: string }[] {
  if (value === null || typeof value !== 'object') return [];
  if (path.length > MAX_DEPTH) return [{ path, message: 'Nested too deeply.' }];
  if (Array.isArray(value)) return value.flatMap((item: unknown, i) => findKeyProblems(item, [...path, i]));
  return Object.keys(value).flatMap((key) =>
    FORBIDDEN_KEYS.has(key)
      ? [{ path: [...path, key], message: `A key named "${key}" is not allowed.` }]
      : findKeyProblems((value as Record<string, unknown>)[key], [...path, key]),
  );
}

const firstLine = (message: string) => message.split('\n')[0]?.trim() ?? message;

const HEADER = [
  ' Sightline definitions: data sources, fact tables, metrics and alert rules, referenced by name.',
  ' Secrets are never exported. Format and import rules: docs/definitions.md',
].join('\n');

/**
 * Writes the file in one fixed layout: keys in the order the object has them, lists of plain values and
 * fact-table columns on one line each, multi-line text as literal blocks, no line folding.
 */
export function stringifyDefinitions(file: object): string {
  // The same object reached twice is written out twice, never as an anchor and alias the parser would refuse.
  const doc = new Document(file, { aliasDuplicateObjects: false });
  doc.commentBefore = HEADER;
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === 'columns' && isSeq(pair.value)) {
        for (const item of pair.value.items) if (isMap(item)) item.flow = true;
      }
    },
  });
  return doc.toString({
    lineWidth: 0,
    minContentWidth: 0,
    blockQuote: 'literal',
    flowCollectionPadding: false,
    indent: 2,
    indentSeq: true,
  });
}
