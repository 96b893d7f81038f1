import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { OperationContext } from '../domain/context.js';
import { type ODataQuery, parseODataQuery, type ResourceSpec, selectFields } from '../odata/query.js';
import { type GraphApp, odataOptions, sendCollection } from './graph.js';

/**
 * Graph collection routes with their OData path segments, declared once per collection:
 *
 * - `GET {path}`: the collection (query options per its resource description);
 * - `GET {path}/$count`: the number of items as `text/plain` (with `$filter`/`$search`), which Graph
 *   only answers with `ConsistencyLevel: eventual` on directory objects;
 * - `GET {path}/microsoft.graph.{type}` and `…/{type}/$count` for each type cast the collection
 *   supports: only the objects of that type, shaped and queried as that type's own collection.
 *
 * Every variant is a registered route (OpenAPI, authorization matrix and docs/compatibility.md list
 * it) calling the same use case, so authorization is the collection's own.
 */

/** Derived types a directoryObject collection can be cast to (`/members/microsoft.graph.user`). */
export type CastType = 'user' | 'group' | 'servicePrincipal';

/** A page of items in the shape the route sends. */
export type CollectionPage = { items: object[]; skiptoken?: string; count?: number };

export interface CollectionDef<Params> {
  /** Route path, e.g. `/groups/:id/members`. */
  path: string;
  tags: string[];
  summary: string;
  params?: ZodType<Params>;
  /** Casts served under the path; the uncast collection is always served. */
  casts?: readonly CastType[];
  /** The resource description of the collection, or of the cast's target type. */
  spec: (cast: CastType | undefined) => ResourceSpec;
  /** `@odata.context` fragment of the collection, or of the cast. */
  fragment: (cast: CastType | undefined) => string;
  /** The use case: a page of the (cast) collection. Authorizes as the collection does. */
  list: (req: FastifyRequest<{ Params: Params }>, q: ODataQuery, cast: CastType | undefined) => Promise<CollectionPage>;
  /** Relationships the collection can `$expand` (one level, ≤ 20 objects each, one batch per page). */
  expand?: Record<string, Expander>;
  /** Sends a page (default: `sendCollection`); directoryObject collections keep `@odata.type`. */
  send?: (req: FastifyRequest, reply: FastifyReply, page: CollectionPage, q: ODataQuery, fragment: string) => FastifyReply;
}

/**
 * One `$expand`able relationship: what it holds (for a nested `$select`) and how to load it for
 * every parent of a page at once (keyed by parent id; the use case authorizes and caps at 20).
 */
export interface Expander {
  spec: ResourceSpec;
  /** A single-valued relationship (`manager`): inlined as an object, omitted when there is none. */
  single?: boolean;
  load: (ctx: OperationContext, parents: readonly object[]) => Promise<Map<string, object[]>>;
}

/** The `expandable` parse option for a set of expanders. */
export const expandableOf = (expanders: Record<string, Expander> | undefined): Record<string, ResourceSpec> | undefined =>
  expanders && Object.fromEntries(Object.entries(expanders).map(([k, e]) => [k, e.spec]));

/**
 * Inlines the relationships `q.expand` names into `items` (a page, or one entity): one load per
 * relationship for all items, a nested `$select` applied (directory objects keep `@odata.type`).
 */
export async function attachExpansions<T extends object>(
  req: FastifyRequest,
  items: T[],
  q: ODataQuery,
  expanders: Record<string, Expander> | undefined,
): Promise<T[]> {
  if (!q.expand?.length || !expanders || items.length === 0) return items;
  const out = items.map((i) => ({ ...i }) as Record<string, unknown>);
  for (const e of q.expand) {
    const expander = expanders[e.property];
    if (!expander) continue;
    const related = await expander.load(req.ctx, items);
    for (const item of out) {
      const list = (related.get(item.id as string) ?? []).map((o) => {
        const type = (o as { '@odata.type'?: string })['@odata.type'];
        return { ...(type ? { '@odata.type': type } : {}), ...selectFields(o, { select: e.select }) };
      });
      if (!expander.single) item[e.property] = list;
      else if (list[0]) item[e.property] = list[0];
    }
  }
  return out as T[];
}

const CAST_NAME: Record<CastType, string> = {
  user: 'microsoft.graph.user',
  group: 'microsoft.graph.group',
  servicePrincipal: 'microsoft.graph.servicePrincipal',
};

/** The options a `$count` segment honours (`$filter`, `$search`); the others do not apply to a number. */
function countQuery(req: FastifyRequest, spec: ResourceSpec): ODataQuery {
  const raw = req.query as Record<string, unknown>;
  const kept = Object.fromEntries(
    Object.entries(raw).filter(([k]) => ['$filter', '$search'].includes(k.toLowerCase()) || !k.startsWith('$')),
  );
  // `$count=true` carries Graph's ConsistencyLevel rule: the segment asks for the same number.
  const q = parseODataQuery({ ...kept, $count: 'true' }, spec, odataOptions(req));
  return { ...q, top: 1, select: undefined };
}

/** Sends a count the way Graph does: the bare number as text. */
export function sendCount(reply: FastifyReply, n: number): FastifyReply {
  return reply.type('text/plain; charset=utf-8').send(String(n));
}

/** Registers a collection with its `$count` segment and its type casts (each with `$count`). */
export function registerCollection<Params>(app: GraphApp, def: CollectionDef<Params>): void {
  const send = def.send ?? ((req, reply, page, q, fragment) => sendCollection(req, reply, fragment, page, q));
  for (const cast of [undefined, ...(def.casts ?? [])]) {
    const path = cast === undefined ? def.path : `${def.path}/${CAST_NAME[cast]}`;
    const spec = def.spec(cast);
    const what = cast === undefined ? def.summary : `${def.summary}: only ${CAST_NAME[cast]} objects (type cast)`;
    const schema = { tags: def.tags, ...(def.params ? { params: def.params } : {}) };
    // Casts list another type's objects: they expand nothing.
    const expanders = cast === undefined ? def.expand : undefined;
    const expandable = expandableOf(expanders);
    app.get(path, { schema: { ...schema, summary: what } }, async (req, reply) => {
      const r = req as unknown as FastifyRequest<{ Params: Params }>;
      const q = parseODataQuery(req.query as Record<string, unknown>, spec, {
        ...odataOptions(req),
        ...(expandable ? { expandable } : {}),
      });
      const page = await def.list(r, q, cast);
      const items = await attachExpansions(req, page.items, q, expanders);
      return send(req, reply, { ...page, items }, q, def.fragment(cast));
    });
    app.get(`${path}/$count`, { schema: { ...schema, summary: `Count — ${what}` } }, async (req, reply) => {
      const r = req as unknown as FastifyRequest<{ Params: Params }>;
      const page = await def.list(r, countQuery(req, spec), cast);
      return sendCount(reply, page.count ?? 0);
    });
  }
}

/** directoryObject collections: `$select` applies to the object, `@odata.type` always stays. */
export function sendDirectoryObjects(
  req: FastifyRequest,
  reply: FastifyReply,
  page: CollectionPage,
  q: ODataQuery,
  fragment = 'directoryObjects',
): FastifyReply {
  const items = page.items.map((o) => ({
    '@odata.type': (o as { '@odata.type'?: string })['@odata.type'],
    ...selectFields(o, q),
  }));
  return sendCollection(req, reply, fragment, { ...page, items }, { ...q, select: undefined });
}

/**
 * The parts of a `registerCollection` definition for a directoryObject collection whose members
 * are all of one `type` (`directReports`: users, `memberOf`: groups): cast to the type, it is the
 * type's own collection; uncast, directoryObjects, each made one by `asDirectoryObject`.
 */
export function oneTypeCollection(
  type: 'user' | 'group',
  spec: ResourceSpec,
  asDirectoryObject: (o: object) => object = (o) => o,
): Pick<CollectionDef<unknown>, 'casts' | 'spec' | 'fragment' | 'send'> {
  const collection = `${type}s`;
  return {
    casts: [type],
    spec: () => spec,
    fragment: (cast) => (cast === type ? collection : 'directoryObjects'),
    send: (req, reply, page, q, fragment) =>
      fragment === collection
        ? sendCollection(req, reply, fragment, page, q)
        : sendDirectoryObjects(req, reply, { ...page, items: page.items.map(asDirectoryObject) }, q),
  };
}
