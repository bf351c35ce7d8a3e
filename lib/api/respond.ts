/**
 * The REST API's edge: one wrapper per exported handler. It answers JSON (or the handler's own Response, for
 * CSV), maps every error to `{ error: { code, message, fields } }` with its status, echoes `x-request-id`,
 * counts the request under its route pattern and writes one structured log line. Authorization stays in each
 * handler (requireApiContext); `input(ctx)` refuses to read anything for a request that was not authorized.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { hasRole } from '@/lib/auth/roles';
import { actorId, requireRole, type ServiceContext } from '@/lib/context';
import { AppError, statusOf, toPublicError } from '@/lib/errors';
import { log, withLogFields } from '@/lib/log';
import { recordApiRequest } from '@/lib/ops/api-requests';
import { REQUEST_ID_HEADER, requestIdOf } from '@/lib/ops/request-id';
import { grantedContext } from './context';
import { parseWith, queryObject, readJsonBody } from './input';
import type { ApiOperation, PathParams } from './operations';

type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type Input<S> = S extends z.ZodType ? z.input<S> : undefined;

export type ApiCall<P extends string, Q, B> = {
  request: Request;
  params: Record<PathParams<P>, string>;
  requestId: string;
  /**
   * The query (parsed) and body (checked against the operation's schema, handed on as sent so the service parses
   * it itself) of a request requireApiContext authorized; the operation's role is checked first.
   */
  input: (ctx: ServiceContext) => Promise<{ query: Output<Q>; body: Input<B> }>;
};

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

const NO_STORE = { 'Cache-Control': 'no-store' };

export function apiRoute<P extends string, Q extends z.ZodType | undefined, B extends z.ZodType | undefined>(
  op: ApiOperation<P, Q, B>,
  handler: (call: ApiCall<P, Q, B>) => Promise<unknown>,
): (request: Request, context: RouteContext) => Promise<Response> {
  return async (request, context) => {
    const requestId = requestIdOf(request);
    const started = performance.now();
    let inputRead = false;
    return withLogFields({ requestId }, async () => {
      let response: Response;
      let ctx: ServiceContext | undefined;
      try {
        const params = await readParams(context);
        const result = await handler({
          request,
          requestId,
          params: params as Record<PathParams<P>, string>,
          input: async (given) => {
            ctx = given;
            const granted = grantedContext(request);
            if (op.access !== 'public' && granted !== given) {
              throw new AppError('internal', 'This endpoint read its input before checking who is asking.');
            }
            if (op.access !== 'public') requireRole(given, op.access);
            const query = readQuery(op, request) as Output<Q>;
            const body = (await readBody(op, request)) as Input<B>;
            inputRead = true;
            return { query, body };
          },
        });
        if (!inputRead && op.access !== 'public') {
          throw new AppError('internal', 'This endpoint answered without reading its input.');
        }
        response =
          result instanceof Response
            ? result
            : Response.json(result, { status: op.status, headers: NO_STORE });
      } catch (error) {
        response = errorResponse(error);
      }
      response.headers.set(REQUEST_ID_HEADER, requestId);
      recordApiRequest(op.path, response.status);
      const who = ctx ?? grantedContext(request);
      log.info('api request', {
        method: request.method,
        route: op.path,
        operation: op.id,
        status: response.status,
        durationMs: Math.round(performance.now() - started),
        ...(who ? { project: who.project.slug, actor: `${who.actor.type}:${actorId(who.actor)}` } : {}),
      });
      return response;
    });
  };
}

async function readParams(context: RouteContext | undefined): Promise<Record<string, string>> {
  const raw = (await context?.params) ?? {};
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') params[key] = value;
  return params;
}

function readQuery(op: ApiOperation, request: Request): unknown {
  const values = queryObject(new URL(request.url));
  if (!op.query) {
    const unknown = Object.keys(values);
    if (unknown.length > 0) {
      throw new AppError('validation', 'This endpoint takes no query parameters.', {
        fieldErrors: Object.fromEntries(unknown.map((k) => [k, 'Unknown parameter.'])),
      });
    }
    return {};
  }
  return parseWith(op.query, values, 'Some query parameters need attention.');
}

async function readBody(op: ApiOperation, request: Request): Promise<unknown> {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return undefined;
  const raw = await readJsonBody(request);
  if (!op.body) {
    if (raw !== undefined) {
      throw new AppError('validation', 'This endpoint takes no request body.', {
        fieldErrors: { _: 'Send no body.' },
      });
    }
    return undefined;
  }
  const value = raw === undefined && op.bodyOptional ? {} : raw;
  if (value === undefined) {
    throw new AppError('validation', 'Send a JSON body.', { fieldErrors: { _: 'Send a JSON object.' } });
  }
  parseWith(op.body, value, 'Some fields need attention.');
  return value;
}

function errorResponse(error: unknown): Response {
  const ref = randomUUID().slice(0, 8);
  if (!(error instanceof AppError) || error.code === 'internal') {
    log.error('api request failed', { ref, error });
  }
  const headers: Record<string, string> = { ...NO_STORE };
  if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
    headers['Retry-After'] = String(error.retryAfterSeconds);
  }
  const body = toPublicError(error, ref);
  return Response.json(
    {
      error: {
        code: body.code,
        message: body.message,
        fields: body.fields ?? {},
        ...(body.ref ? { ref } : {}),
      },
    },
    { status: statusOf(error), headers },
  );
}

/** Whether a context may use an operation: for UIs that list what a role can call. */
export function mayCall(op: ApiOperation, role: ServiceContext['role']): boolean {
  return op.access === 'public' || hasRole(role, op.access);
}
