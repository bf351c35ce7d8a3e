/**
 * Every mutating verb leaves an audit entry: walks lib/ with the TypeScript compiler and fails on any exported
 * function that requires the editor or admin role but never reaches emitAudit, directly or through the
 * functions it calls (a same-file helper, another module's verb). Read-only verbs that still need an editor
 * (previews run user SQL) are listed with their reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Verbs that change nothing although only editors may call them, each with its reason. */
const READ_ONLY_EDITOR_VERBS: Record<string, string> = {
  previewFactTable: 'runs the SQL with a row cap and returns rows; writes nothing',
  previewMetricSeries: 'computes the latest buckets of an unsaved definition; writes nothing',
};

const AUDIT_WRITERS = new Set(['emitAudit', 'emitSystemAudit']);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

type FunctionInfo = {
  name: string;
  file: string;
  exported: boolean;
  calls: Set<string>;
  role: string | null;
};

function calleeName(call: ts.CallExpression): string {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

function describeBody(body: ts.Node): { calls: Set<string>; role: string | null } {
  const calls = new Set<string>();
  let role: string | null = null;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (name) calls.add(name);
      const [, roleArg] = node.arguments;
      if (name === 'requireRole' && roleArg && ts.isStringLiteral(roleArg)) role = roleArg.text;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return { calls, role };
}

function functionsOf(file: string): FunctionInfo[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: FunctionInfo[] = [];
  for (const statement of source.statements) {
    const exported =
      ts.getModifiers(statement as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ??
      false;
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      found.push({ name: statement.name.text, file, exported, ...describeBody(statement.body) });
    }
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.initializer && ts.isArrowFunction(decl.initializer)) {
          found.push({ name: decl.name.text, file, exported, ...describeBody(decl.initializer) });
        }
      }
    }
  }
  return found;
}

const functions = walk('lib')
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .flatMap(functionsOf);

/** Names of functions that write an audit entry, directly or through a function they call. */
function auditingFunctions(): Set<string> {
  const auditing = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const fn of functions) {
      if (auditing.has(fn.name)) continue;
      if ([...fn.calls].some((c) => AUDIT_WRITERS.has(c) || (c !== fn.name && auditing.has(c)))) {
        auditing.add(fn.name);
        changed = true;
      }
    }
  }
  return auditing;
}

describe('audit coverage', () => {
  const auditing = auditingFunctions();
  const mutating = functions.filter(
    (fn) =>
      fn.exported && (fn.role === 'editor' || fn.role === 'admin') && !(fn.name in READ_ONLY_EDITOR_VERBS),
  );

  it('finds the verbs it checks', () => {
    const names = mutating.map((fn) => fn.name);
    expect(names).toEqual(
      expect.arrayContaining(['createMetric', 'updateFactTable', 'deleteDataSource', 'sendTest']),
    );
  });

  it('every exported verb that needs the editor or admin role writes an audit entry', () => {
    const unaudited = mutating.filter((fn) => !auditing.has(fn.name)).map((fn) => `${fn.file}: ${fn.name}`);
    expect(unaudited).toEqual([]);
  });

  it('the read-only exceptions still exist and still need an editor', () => {
    for (const name of Object.keys(READ_ONLY_EDITOR_VERBS)) {
      const fn = functions.find((f) => f.name === name);
      expect(fn?.role, name).toBe('editor');
    }
  });
});
