import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ErrorCode } from '../../contracts/errors.js';
import { DomainError } from '../domain/errors.js';
import { catalogued, graphErrorBody } from './errors.js';

/**
 * JSON batching (`POST /v1.0/$batch`, Graph's json-batching concept): up to 20 requests in one
 * call. Every request runs through the same /v1.0 routes as a request of its own (`inject` with the
 * caller's Authorization header), so each one is authenticated, authorized, validated and audited
 * exactly as it would be alone — there is no second implementation of any endpoint. Requests run
 * one at a time, in an order that respects `dependsOn`; a request whose dependency failed (status
 * ≥ 400, or itself 424) is not run and answers 424 Failed Dependency. The batch answers 200 with
 * one response per request (in request order), or 400 when the payload itself is unusable.
 */

export const MAX_BATCH_REQUESTS = 20;

const batchRequest = z.object({
  id: z.string().min(1).max(128),
  method: z.string().min(1).max(16),
  url: z.string().min(1).max(4096),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).max(MAX_BATCH_REQUESTS).optional(),
});
type BatchRequest = z.infer<typeof batchRequest>;

export const batchBody = z
  .object({ requests: z.array(z.unknown()) })
  .describe('Up to 20 requests: {id, method, url (relative to /v1.0), headers?, body?, dependsOn?}.');

export interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
/** Headers a request in the batch may not set: the batch's own caller and transport decide them. */
const HOP_HEADERS = new Set(['authorization', 'host', 'content-length', 'connection', 'transfer-encoding', 'cookie']);
/** Response headers passed back, with Graph's spelling (graph-client matches `Content-Type` exactly). */
const RESPONSE_HEADERS: Record<string, string> = {
  'content-type': 'Content-Type',
  location: 'Location',
  etag: 'ETag',
  'retry-after': 'Retry-After',
  'odata-version': 'OData-Version',
  'request-id': 'request-id',
};

const refuse = (code: ErrorCode, message?: string) => new DomainError(code, message);

/** Checks the payload as a whole (count, shape, unique ids, known dependencies, no cycle); returns the run order. */
export function planBatch(payload: { requests: unknown[] }): { requests: BatchRequest[]; order: BatchRequest[] } {
  if (payload.requests.length === 0) throw refuse('batch_invalid', 'The batch has no requests.');
  if (payload.requests.length > MAX_BATCH_REQUESTS) throw refuse('batch_too_many_requests');
  const requests = payload.requests.map((r, i) => {
    const parsed = batchRequest.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw refuse(
        'batch_invalid',
        `Invalid batch payload format: requests[${i}].${issue?.path.join('.') ?? ''}: ${issue?.message}.`,
      );
    }
    return parsed.data;
  });
  const byId = new Map<string, BatchRequest>();
  for (const r of requests) {
    const key = r.id.toLowerCase();
    if (byId.has(key)) throw refuse('batch_duplicate_id', `The batch has more than one request with id '${r.id}'.`);
    byId.set(key, r);
  }
  for (const r of requests) {
    for (const d of r.dependsOn ?? []) {
      if (!byId.has(d.toLowerCase())) {
        throw refuse('batch_dependency_invalid', `Request '${r.id}' depends on '${d}', which is not in the batch.`);
      }
    }
  }
  // Kahn's algorithm, taking requests in their written order whenever several are ready.
  const order: BatchRequest[] = [];
  const done = new Set<string>();
  while (order.length < requests.length) {
    const ready = requests.find(
      (r) => !done.has(r.id.toLowerCase()) && (r.dependsOn ?? []).every((d) => done.has(d.toLowerCase())),
    );
    if (!ready) throw refuse('batch_dependency_invalid', 'The dependsOn entries of the batch form a cycle.');
    order.push(ready);
    done.add(ready.id.toLowerCase());
  }
  return { requests, order };
}

/** The path below /v1.0 a batch URL names (`/users`, `users?$top=1`, `/v1.0/users` as graph-client sends it). */
export function batchPath(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return undefined;
  const path = (url.startsWith('/') ? url : `/${url}`).replace(/^\/v1\.0(?=\/|\?|$)/i, '');
  if (path === '' || path.startsWith('?')) return undefined;
  if (/^\/\$batch(?:[/?]|$)/i.test(path)) return undefined;
  return path;
}

function errorResponse(req: FastifyRequest, id: string, code: ErrorCode, message?: string): BatchResponse {
  const c = catalogued(code, message);
  return { id, status: c.status, headers: { 'Content-Type': 'application/json' }, body: graphErrorBody(req, c) };
}

function requestPayload(r: BatchRequest, headers: Record<string, string>): string | Buffer | undefined {
  if (r.body === undefined || r.body === null) return undefined;
  const type = headers['content-type'] ?? '';
  if (typeof r.body === 'string' && !/json/i.test(type)) return Buffer.from(r.body, 'base64');
  if (!type) headers['content-type'] = 'application/json';
  return typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
}

/** Runs one request of the batch through the app's own routes, as the batch's caller. */
async function runOne(req: FastifyRequest, r: BatchRequest): Promise<BatchResponse> {
  const method = r.method.toUpperCase();
  const path = batchPath(r.url);
  if (!METHODS.has(method) || !path) return errorResponse(req, r.id, 'batch_request_invalid');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    if (!HOP_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
  }
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  const payload = requestPayload(r, headers);
  const res = await req.server.inject({
    method: method as 'GET',
    url: `/v1.0${path}`,
    headers,
    remoteAddress: req.ip,
    ...(payload === undefined ? {} : { payload }),
  });
  const out: Record<string, string> = {};
  for (const [k, name] of Object.entries(RESPONSE_HEADERS)) {
    const v = res.headers[k];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  const response: BatchResponse = { id: r.id, status: res.statusCode, headers: out };
  if (res.rawPayload.length > 0) {
    const type = out['Content-Type'] ?? '';
    if (/json/i.test(type)) response.body = res.json();
    else if (/^text\//i.test(type)) response.body = res.body;
    else response.body = res.rawPayload.toString('base64');
  }
  return response;
}

/** Runs the planned batch: in order, skipping (424) what depends on a failure. */
export async function runBatch(req: FastifyRequest, payload: { requests: unknown[] }): Promise<BatchResponse[]> {
  const { requests, order } = planBatch(payload);
  const results = new Map<string, BatchResponse>();
  for (const r of order) {
    const failed = (r.dependsOn ?? []).find((d) => (results.get(d.toLowerCase())?.status ?? 0) >= 400);
    const result = failed
      ? errorResponse(req, r.id, 'batch_failed_dependency', `The request depends on request '${failed}', which failed.`)
      : await runOne(req, r);
    results.set(r.id.toLowerCase(), result);
  }
  return requests.map((r) => results.get(r.id.toLowerCase()) as BatchResponse);
}

/** `POST /$batch` in the /v1.0 scope (the caller is authenticated before the batch is read). */
export async function batchRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/$batch',
    {
      schema: {
        tags: ['batch'],
        summary: 'JSON batching: up to 20 requests in one call, each authorized as the caller',
        body: batchBody,
      },
    },
    async (req, reply) => reply.send({ responses: await runBatch(req, req.body) }),
  );
}
