import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OperationContext } from '../domain/context.js';
import { invalid } from '../domain/errors.js';
import { type ODataQuery, parseODataQuery, type ResourceSpec, selectFields } from '../odata/query.js';

/** A /v1.0 route plugin's instance with the zod type provider (typed params and bodies). */
export type GraphApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Builds the Graph `@odata.context` URL for an entity set or singleton. */
export const odataContext = (req: FastifyRequest, fragment: string): string =>
  `${req.server.portico.config.publicUrl}/v1.0/$metadata#${fragment}`;

/** Absolute URL of the current request with `$skiptoken` replaced (for `@odata.nextLink`). */
export function nextLink(req: FastifyRequest, skiptoken: string): string {
  const url = new URL(req.url, req.server.portico.config.publicUrl);
  url.searchParams.set('$skiptoken', skiptoken);
  return `${req.server.portico.config.publicUrl}${url.pathname}${url.search}`;
}

/** Sends a Graph collection response, applying `$select`, paging and `$count`. */
export function sendCollection<T extends object>(
  req: FastifyRequest,
  reply: FastifyReply,
  fragment: string,
  page: { items: T[]; skiptoken?: string; count?: number },
  q: ODataQuery,
): FastifyReply {
  const body: Record<string, unknown> = { '@odata.context': odataContext(req, fragment) };
  if (page.count !== undefined) body['@odata.count'] = page.count;
  if (page.skiptoken) body['@odata.nextLink'] = nextLink(req, page.skiptoken);
  body.value = page.items.map((i) => selectFields(i, q));
  return reply.send(body);
}

/** Sends a single entity with its `@odata.context`, honouring `$select` when given. */
export function sendEntity<T extends object>(
  req: FastifyRequest,
  reply: FastifyReply,
  fragment: string,
  entity: T,
  q?: ODataQuery,
  status = 200,
): FastifyReply {
  return reply.status(status).send({ '@odata.context': odataContext(req, fragment), ...(q ? selectFields(entity, q) : entity) });
}

/** Parse options from the request headers (`ConsistencyLevel` enables `$count` and `$search`). */
export const odataOptions = (req: FastifyRequest) => {
  const cl = req.headers.consistencylevel;
  return typeof cl === 'string' ? { consistencyLevel: cl } : {};
};

/** The signed-in user's id for /me routes; app-only tokens have no "me". */
export function meId(req: FastifyRequest): string {
  const c = req.ctx.caller;
  if (c.kind !== 'user') throw invalid('me_requires_delegated_token');
  return c.userId;
}

/** The `{id}` of an entity addressed by any key up to 256 characters. */
export const idParam = z.object({ id: z.string().min(1).max(256) });

/** What a route tells the OpenAPI document. */
interface RouteDocs {
  tags: string[];
  summary: string;
  description?: string;
}

/** The `@odata.context` fragment of a path: `/auditLogs/signIns` → `auditLogs/signIns`. */
const fragmentOf = (path: string) => path.replace(/^\//, '');

/**
 * `GET path`: a Graph collection of `spec` as `list` pages it, with `$select`, `$filter`, `$top`…
 * and, when `consistency` is on, `$count`/`$search` under `ConsistencyLevel: eventual`.
 */
export function getCollection<T extends object>(
  app: GraphApp,
  path: string,
  docs: RouteDocs,
  spec: ResourceSpec,
  list: (ctx: OperationContext, q: ODataQuery) => Promise<{ items: T[]; skiptoken?: string; count?: number }>,
  opts: { consistency?: boolean; fragment?: string } = {},
): void {
  app.get(path, { schema: docs }, async (req, reply) => {
    const q = parseODataQuery(
      req.query as Record<string, unknown>,
      spec,
      opts.consistency ? odataOptions(req) : { allowCount: false },
    );
    return sendCollection(req, reply, opts.fragment ?? fragmentOf(path), await list(req.ctx, q), q);
  });
}

/** `GET path/:id`: one entity of the collection at `path`, with `$select` when its `spec` is given. */
export function getEntityById<T extends object>(
  app: GraphApp,
  path: string,
  docs: RouteDocs,
  spec: ResourceSpec | undefined,
  get: (ctx: OperationContext, id: string) => Promise<T>,
  fragment = fragmentOf(path),
): void {
  app.get(`${path}/:id`, { schema: { ...docs, params: idParam } }, async (req, reply) => {
    const q = spec && parseODataQuery(req.query as Record<string, unknown>, spec, { allowCount: false });
    return sendEntity(req, reply, `${fragment}/$entity`, await get(req.ctx, req.params.id), q);
  });
}

/** Waits for a write and answers 204 No Content (Graph's answer to a PATCH, DELETE or `$ref` write). */
export async function noContent(reply: FastifyReply, write: Promise<unknown>): Promise<FastifyReply> {
  await write;
  return reply.status(204).send();
}
