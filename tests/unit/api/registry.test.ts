/**
 * Routes and the OpenAPI document come from one registry: every route file under app/api/v1 serves exactly the
 * operations the registry lists for its path, with the method it is exported as, and the document has them all.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS, ops, routeFileOf } from '@/lib/api/operations';
import { buildOpenApiDocument } from '@/lib/api/openapi';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const routeFiles = walk('app/api/v1')
  .filter((f) => f.endsWith('route.ts'))
  .map((f) => f.split(path.sep).join('/'));

/** `export const GET = apiRoute(ops.listMetrics, …)` → [['GET', 'listMetrics']]; anything else → [verb, null]. */
function exportsOf(file: string): [string, string | null][] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: [string, string | null][] = [];
  for (const statement of source.statements) {
    const exported = ts
      .getModifiers(statement as ts.HasModifiers)
      ?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) found.push([statement.name.text, null]);
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || !/^[A-Z]+$/.test(decl.name.text)) continue;
      const init = decl.initializer;
      const first = init && ts.isCallExpression(init) ? init.arguments[0] : undefined;
      const opName =
        init &&
        ts.isCallExpression(init) &&
        ts.isIdentifier(init.expression) &&
        init.expression.text === 'apiRoute' &&
        first &&
        ts.isPropertyAccessExpression(first) &&
        ts.isIdentifier(first.expression) &&
        first.expression.text === 'ops'
          ? first.name.text
          : null;
      found.push([decl.name.text, opName]);
    }
  }
  return found;
}

describe('the API route registry', () => {
  it('finds the route files', () => {
    expect(routeFiles.length).toBeGreaterThan(10);
  });

  it('every exported handler is apiRoute(ops.X) with X registered for this file and this method', () => {
    const problems: string[] = [];
    for (const file of routeFiles) {
      for (const [verb, opName] of exportsOf(file)) {
        const op = opName ? ops[opName as keyof typeof ops] : undefined;
        if (!op) problems.push(`${file}: ${verb} is not apiRoute(ops.<registered operation>)`);
        else if (op.method !== verb) problems.push(`${file}: ${verb} serves ${op.id}, a ${op.method}`);
        else if (routeFileOf(op.path) !== file)
          problems.push(`${file}: ${verb} serves ${op.id} of ${op.path}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every registered operation is served by its route file', () => {
    const served = new Set(
      routeFiles.flatMap((file) => exportsOf(file).map(([verb, opName]) => `${file} ${verb} ${opName}`)),
    );
    const missing = Object.entries(ops)
      .filter(([name, op]) => !served.has(`${routeFileOf(op.path)} ${op.method} ${name}`))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('has unique operation ids and one operation per path and method', () => {
    expect(new Set(API_OPERATIONS.map((op) => op.id)).size).toBe(API_OPERATIONS.length);
    expect(new Set(API_OPERATIONS.map((op) => `${op.method} ${op.path}`)).size).toBe(API_OPERATIONS.length);
  });
});

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('is OpenAPI 3.1 with every registered operation under its path and method', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const op of API_OPERATIONS) {
      expect(doc.paths[op.path]?.[op.method.toLowerCase()]?.operationId, op.id).toBe(op.id);
    }
    const documented = Object.values(doc.paths).flatMap((methods) => Object.keys(methods));
    expect(documented).toHaveLength(API_OPERATIONS.length);
  });

  it('resolves every $ref it contains', () => {
    const text = JSON.stringify(doc);
    const refs = [...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(20);
    const unresolved = refs.filter((ref) => {
      let node: unknown = doc;
      for (const part of ref.split('/')) node = (node as Record<string, unknown> | undefined)?.[part];
      return node === undefined;
    });
    expect([...new Set(unresolved)]).toEqual([]);
  });

  it('declares every path parameter and documents request bodies with the forms’ own rules', () => {
    for (const op of API_OPERATIONS) {
      const operation = doc.paths[op.path]?.[op.method.toLowerCase()] as {
        parameters: { name: string; in: string }[];
      };
      const inPath = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(inPath);
    }
    const create = doc.paths['/api/v1/projects/{project}/metrics']?.post as {
      requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } };
    };
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'interval', 'definition']));
  });

  it('marks only the document itself as public', () => {
    const open = API_OPERATIONS.filter((op) => op.access === 'public').map((op) => op.path);
    expect(open).toEqual(['/api/v1/openapi.json']);
  });
});
