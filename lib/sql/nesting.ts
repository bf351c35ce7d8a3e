/**
 * Bounds how deep the parse tree can get, before the parser runs.
 *
 * Why this matters more than it looks: libpg-query serialises the tree recursively inside WebAssembly. A tree
 * about 5,000–10,000 levels deep (`1+1+…+1`, a long `UNION` chain or `COLLATE` chain, each under 100 KB)
 * overflows the WASM stack, and after that the module's memory is corrupt: later, unrelated parses fail with
 * "memory access out of bounds" or worse. Parentheses alone do not bound depth, so the estimate also counts
 * the operators and keywords that nest without them.
 *
 * The estimate walks tokens once. Each parenthesis, bracket or CASE opens a frame. Inside a frame, operator
 * characters and nesting keywords (NOT, IS, COLLATE, …) add to a chain that separators (`,`, AND, OR, WHEN,
 * SELECT, FROM, …) reset, because what follows a separator is a sibling, not a child. Set operations and
 * JOINs nest left-deep across separators, so they are counted per frame and never reset. The estimate for a
 * point is the sum over the open frames, which over-approximates the real depth up to a small constant
 * factor.
 */
import type { Token } from './lexer';

/** B1: at most 200 levels of parentheses/brackets. */
export const MAX_PAREN_DEPTH = 200;
/**
 * Allowed estimated tree depth. The WASM stack overflows near 5,000 levels for the worst constructs, so this
 * keeps a wide margin while leaving room for long but flat analyst SQL.
 */
export const MAX_TREE_DEPTH_ESTIMATE = 1000;

export type NestingProblem = { code: 'too_deep'; message: string; position: number };

type Frame = { kind: 'paren' | 'case'; chain: number; structural: number };

const RESET_WORDS = new Set([
  'and',
  'or',
  'when',
  'then',
  'else',
  'select',
  'from',
  'where',
  'having',
  'on',
  'using',
  'limit',
  'offset',
]);
const STRUCTURAL_WORDS = new Set(['union', 'intersect', 'except', 'join']);
const CHAIN_WORDS = new Set([
  'not',
  'is',
  'isnull',
  'notnull',
  'collate',
  'at',
  'between',
  'like',
  'ilike',
  'similar',
  'in',
  'overlaps',
  'escape',
  'operator',
]);
const LONGEST_KEYWORD = 9;

export function findNestingProblem(text: string, tokens: readonly Token[]): NestingProblem | null {
  const frames: Frame[] = [{ kind: 'paren', chain: 0, structural: 0 }];
  let parenDepth = 0;
  // Sum of (chain + structural + 1) over all frames, kept incrementally so each token costs O(1).
  let estimate = 1;
  const tooDeep = (position: number): NestingProblem => ({
    code: 'too_deep',
    message: `The query is nested too deeply to check safely (more than ${MAX_TREE_DEPTH_ESTIMATE} levels of operators, joins or set operations); split it into CTEs.`,
    position,
  });
  for (const token of tokens) {
    const top = frames[frames.length - 1];
    if (top === undefined) break;
    if (token.kind === 'punct') {
      const ch = text.charCodeAt(token.start);
      if (ch === 0x28 || ch === 0x5b) {
        parenDepth++;
        if (parenDepth > MAX_PAREN_DEPTH) {
          return {
            code: 'too_deep',
            message: `The query nests parentheses or brackets more than ${MAX_PAREN_DEPTH} levels deep.`,
            position: token.start,
          };
        }
        frames.push({ kind: 'paren', chain: 0, structural: 0 });
        estimate++;
      } else if (ch === 0x29 || ch === 0x5d) {
        // Close any CASE left open inside the parentheses, then the parentheses themselves.
        while (frames.length > 1) {
          const frame = frames.pop();
          if (frame === undefined) break;
          estimate -= frame.chain + frame.structural + 1;
          if (frame.kind === 'paren') {
            parenDepth--;
            break;
          }
        }
      } else if (ch === 0x2c || ch === 0x3b) {
        estimate -= top.chain;
        top.chain = 0;
      } else if (ch === 0x3a) {
        top.chain++;
        estimate++;
      }
    } else if (token.kind === 'op') {
      const length = token.end - token.start;
      top.chain += length;
      estimate += length;
    } else if (token.kind === 'word' && token.end - token.start <= LONGEST_KEYWORD) {
      const word = text.slice(token.start, token.end).toLowerCase();
      if (word === 'case') {
        frames.push({ kind: 'case', chain: 0, structural: 0 });
        estimate++;
      } else if (word === 'end') {
        if (top.kind === 'case' && frames.length > 1) {
          frames.pop();
          estimate -= top.chain + top.structural + 1;
        }
      } else if (RESET_WORDS.has(word)) {
        estimate -= top.chain;
        top.chain = 0;
      } else if (STRUCTURAL_WORDS.has(word)) {
        top.structural++;
        estimate++;
      } else if (CHAIN_WORDS.has(word)) {
        top.chain++;
        estimate++;
      }
    }
    if (estimate > MAX_TREE_DEPTH_ESTIMATE) return tooDeep(token.start);
  }
  return null;
}
