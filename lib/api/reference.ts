/**
 * The API reference page's view of the OpenAPI document: operations grouped by tag, each with its parameters
 * and its request and response schemas, named schemas resolved. Pure.
 */
import type { OpenApiDocument } from './openapi';
import { API_OPERATIONS } from './operations';

type Json = Record<string, unknown>;

export type ReferenceOperation = {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  role: string;
  parameters: { name: string; in: string; required: boolean; description?: string; type: string }[];
  requestBody: { required: boolean; schema: unknown } | null;
  response: { status: string; schemaName: string | null; schema: unknown; csv: boolean };
};

const REF = '#/components/schemas/';

function typeOf(schema: Json | undefined): string {
  if (!schema) return 'any';
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map(String).join(' | ');
  if (schema.const !== undefined) return String(schema.const);
  if (typeof schema.format === 'string') return `${String(schema.type)} (${schema.format})`;
  return typeof schema.type === 'string' ? schema.type : 'any';
}

export function referenceOf(doc: OpenApiDocument): { tag: string; operations: ReferenceOperation[] }[] {
  const schemas = ((doc.components as Json).schemas ?? {}) as Record<string, unknown>;
  const groups = new Map<string, ReferenceOperation[]>();
  for (const op of API_OPERATIONS) {
    const o = doc.paths[op.path]?.[op.method.toLowerCase()] as Json;
    const success = (o.responses as Record<string, Json>)[String(op.status)] as Json;
    const content = success.content as Record<string, { schema: Json }>;
    const responseSchema = content['application/json']?.schema ?? {};
    const ref = typeof responseSchema.$ref === 'string' ? responseSchema.$ref : null;
    const body = o.requestBody as
      { required: boolean; content: Record<string, { schema: unknown }> } | undefined;
    const entry: ReferenceOperation = {
      id: op.id,
      method: op.method,
      path: op.path,
      summary: op.summary,
      description: op.description,
      role: op.access,
      parameters: (o.parameters as Json[]).map((p) => ({
        name: String(p.name),
        in: String(p.in),
        required: Boolean(p.required),
        description: typeof p.description === 'string' ? p.description : undefined,
        type: typeOf(p.schema as Json | undefined),
      })),
      requestBody: body
        ? { required: body.required, schema: body.content['application/json']?.schema }
        : null,
      response: {
        status: String(op.status),
        schemaName: ref?.startsWith(REF) ? ref.slice(REF.length) : null,
        schema: ref?.startsWith(REF) ? schemas[ref.slice(REF.length)] : responseSchema,
        csv: Boolean(op.csv),
      },
    };
    groups.set(op.tag, [...(groups.get(op.tag) ?? []), entry]);
  }
  return [...groups].map(([tag, operations]) => ({ tag, operations }));
}
