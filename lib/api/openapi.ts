/**
 * The OpenAPI 3.1 document of the REST API, generated from the operation registry and its zod schemas: the same
 * schemas parse the requests, so the document describes what is actually accepted.
 */
import { z } from 'zod';
import { API_OPERATIONS, PATH_PARAMS, type ApiOperation } from './operations';
import { errorResponse } from './responses';

type Json = Record<string, unknown>;

const ERRORS: Record<number, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: 'The input was refused; `fields` says why, by path.' },
  401: {
    name: 'Unauthorized',
    description: 'No valid token or session (unknown, malformed or revoked token).',
  },
  403: {
    name: 'Forbidden',
    description: 'The role is too low, or a session request came from another origin.',
  },
  404: { name: 'NotFound', description: 'No such project for this caller, or no such resource in it.' },
  409: {
    name: 'Conflict',
    description: 'The change conflicts with the stored state (name taken, stale version, …).',
  },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than 1 MB.' },
  422: {
    name: 'WarehouseError',
    description: "The warehouse refused the SQL; the message is the warehouse's.",
  },
  429: {
    name: 'RateLimited',
    description: 'Too many requests with this token; wait for Retry-After seconds.',
  },
};

const READ_ERRORS = [400, 401, 403, 404, 429];
const WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 422, 429];

/**
 * One schema as JSON Schema, with the named schemas (`.meta({ id })`) it uses moved to `defs` and referenced
 * from components; unnamed shared parts get names local to `scope`.
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output', defs: Json, scope: string): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  const local = (json.$defs ?? {}) as Record<string, Json>;
  delete json.$defs;
  delete json.$schema;
  const rename = (name: string) => (name.startsWith('__') ? `${scope}${name}` : name);
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')
          ? `#/components/schemas/${rename(value.slice('#/$defs/'.length))}`
          : rewrite(value);
    }
    return out;
  };
  for (const [name, def] of Object.entries(local)) defs[rename(name)] ??= rewrite(def);
  return rewrite(json) as Json;
}

function pathParameters(op: ApiOperation): Json[] {
  return [...op.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: PATH_PARAMS[name as string] ?? '',
    schema: name === 'project' ? { type: 'string' } : { type: 'string', format: 'uuid' },
  }));
}

function queryParameters(op: ApiOperation, defs: Json): Json[] {
  if (!op.query || !(op.query instanceof z.ZodObject)) return [];
  return Object.entries(op.query.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const schema = toSchema(field, 'input', defs, `${op.id}_${name}`);
    const description = typeof schema.description === 'string' ? schema.description : undefined;
    delete schema.description;
    return {
      name,
      in: 'query',
      required: !field.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema,
    };
  });
}

function operationObject(op: ApiOperation, defs: Json): Json {
  const success: Json = {
    description: op.summary,
    content: {
      'application/json': { schema: toSchema(op.response, 'output', defs, `${op.id}_response`) },
      ...(op.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
    },
  };
  const errors = op.access === 'public' ? [] : op.method === 'GET' ? READ_ERRORS : WRITE_ERRORS;
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.access === 'public'
      ? { security: [] }
      : {
          'x-sightline-role': op.access,
          description: `${op.description ?? op.summary} Needs the ${op.access} role.`,
        }),
    parameters: [...pathParameters(op), ...queryParameters(op, defs)],
    ...(op.body
      ? {
          requestBody: {
            required: !op.bodyOptional,
            content: { 'application/json': { schema: toSchema(op.body, 'input', defs, `${op.id}_body`) } },
          },
        }
      : {}),
    responses: {
      [String(op.status)]: success,
      ...Object.fromEntries(
        errors.map((s) => [String(s), { $ref: `#/components/responses/${ERRORS[s]?.name}` }]),
      ),
    },
  };
}

export type OpenApiDocument = Json & { paths: Record<string, Record<string, Json>> };

export function buildOpenApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS): OpenApiDocument {
  const defs: Json = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, Json>)[op.method.toLowerCase()] = operationObject(op, defs);
  }
  const errorSchema = toSchema(errorResponse, 'output', defs, 'Error');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline API',
      version: '1',
      description:
        'Metrics, series, fact tables, anomalies, collection runs and alert rules of one project. Authenticate with `Authorization: Bearer sl_…` (a project API token, created by an admin under Settings → API tokens). Errors are `{ error: { code, message, fields } }`.',
    },
    security: [{ bearerToken: [] }, { session: [] }],
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A project API token: `sl_` and 43 characters. Viewer tokens read; editor tokens also change.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'next-auth.session-token',
          description: "The app's own session; requests that change something must carry the app's Origin.",
        },
      },
      schemas: defs,
      responses: Object.fromEntries(
        Object.values(ERRORS).map(({ name, description }) => [
          name,
          { description, content: { 'application/json': { schema: errorSchema } } },
        ]),
      ),
    },
  };
}

let cached: OpenApiDocument | undefined;

/** The document is the same for every caller and every request: built once per process. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
