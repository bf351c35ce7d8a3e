/**
 * Every exported server action and route handler must call the guard itself: middleware is not a guard.
 * This walks the source with the TypeScript compiler and fails on any export that never calls one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const GUARDS = new Set([
  'requireProjectContext',
  'requireUser',
  'requireApiContext',
  'requireCronSecret',
  'requireMetricsToken',
]);

/** Routes that are public on purpose, each with its reason. */
const PUBLIC_ROUTES: Record<string, string> = {
  'app/api/health/route.ts': 'liveness for load balancers; reveals only ok / pending / unreachable',
  'app/api/auth/[...nextauth]/route.ts': 'sign-in itself; next-auth checks CSRF and credentials',
  'app/api/v1/openapi.json/route.ts': 'the OpenAPI document describes the API, never any data',
};

const HTTP_VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function isUseServer(source: ts.SourceFile): boolean {
  const first = source.statements[0];
  return (
    first !== undefined &&
    ts.isExpressionStatement(first) &&
    ts.isStringLiteral(first.expression) &&
    first.expression.text === 'use server'
  );
}

function exportedFunctions(source: ts.SourceFile): { name: string; body: ts.Node }[] {
  const found: { name: string; body: ts.Node }[] = [];
  for (const statement of source.statements) {
    const exported = ts
      .getModifiers(statement as ts.HasModifiers)
      ?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      found.push({ name: statement.name.text, body: statement.body });
    }
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.initializer)
          found.push({ name: decl.name.text, body: decl.initializer });
      }
    }
  }
  return found;
}

function callsGuard(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node) => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : '';
      if (GUARDS.has(name)) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

const files = walk('app').filter((f) => /\.(ts|tsx)$/.test(f));
const parse = (file: string) =>
  ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

describe('every entry point guards itself', () => {
  it('finds the entry points it is meant to check', () => {
    expect(files.some((f) => f.endsWith('actions.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('route.ts'))).toBe(true);
  });

  it('every exported server action calls a guard', () => {
    const unguarded = files
      .map(parse)
      .filter(isUseServer)
      .flatMap((source) =>
        exportedFunctions(source)
          .filter((fn) => !callsGuard(fn.body))
          .map((fn) => `${source.fileName}: ${fn.name}`),
      );
    expect(unguarded).toEqual([]);
  });

  it('every route handler calls a guard unless it is public on purpose', () => {
    const unguarded = files
      .filter((f) => f.endsWith('route.ts') && !(f.split(path.sep).join('/') in PUBLIC_ROUTES))
      .map(parse)
      .flatMap((source) =>
        exportedFunctions(source)
          .filter((fn) => HTTP_VERBS.has(fn.name) && !callsGuard(fn.body))
          .map((fn) => `${source.fileName}: ${fn.name}`),
      );
    expect(unguarded).toEqual([]);
  });

  it('lists only public routes that exist', () => {
    const routes = new Set(files.map((f) => f.split(path.sep).join('/')));
    expect(Object.keys(PUBLIC_ROUTES).filter((r) => !routes.has(r))).toEqual([]);
  });
});
