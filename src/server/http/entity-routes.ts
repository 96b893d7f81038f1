import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { OperationContext } from '../domain/context.js';
import { type ODataQuery, parseODataQuery, type ResourceSpec } from '../odata/query.js';
import { attachExpansions, type Expander, expandableOf, registerCollection } from './collections.js';
import { requireIfMatch, withETag, withETagsOnPage } from './etag.js';
import { type GraphApp, meId, noContent, odataOptions, sendEntity } from './graph.js';

type Identified = { id: string };

/**
 * A directory collection whose objects carry ETags (users, groups): `GET` (with `$expand`, `$count`
 * and its casts), `POST`, `GET /{id}` (and `/me`) with the `ETag` header, `PATCH` and `DELETE`
 * with `If-Match` checked against `load` (412 when the object changed since).
 */
export interface TaggedEntityDef<T extends Identified, Create, Update> {
  /** The object's name: `user` serves `/users` (its `@odata.context` fragment and OpenAPI tag). */
  noun: string;
  resource: ResourceSpec;
  /** `{id}` of one object. */
  params: ZodType<{ id: string }>;
  expand: Record<string, Expander>;
  /** Summaries other than `Get {noun}` and `Update {noun}`; with `me`, `GET /me` serves the signed-in user's object. */
  summaries: { get?: string; update?: string; me?: string };
  bodies: { create: ZodType<Create>; update: ZodType<Update> };
  use: {
    list: (ctx: OperationContext, q: ODataQuery) => Promise<{ items: T[]; skiptoken?: string; count?: number }>;
    create: (ctx: OperationContext, body: Create) => Promise<object>;
    /** The read behind `GET /{id}` and the `If-Match` check. */
    load: (ctx: OperationContext, key: string) => Promise<T>;
    update: (ctx: OperationContext, key: string, body: Update) => Promise<unknown>;
    remove: (ctx: OperationContext, key: string) => Promise<unknown>;
  };
}

export function registerTaggedEntity<T extends Identified, Create, Update>(
  app: GraphApp,
  { noun, resource, params, expand, summaries, bodies, use }: TaggedEntityDef<T, Create, Update>,
): void {
  const collection = `${noun}s`;
  const tags = [collection];
  const path = `/${collection}`;
  const entity = `${collection}/$entity`;
  const key = (req: FastifyRequest) => (req.params as { id: string }).id;
  registerCollection(app, {
    path,
    tags,
    summary: `List ${collection}`,
    spec: () => resource,
    fragment: () => collection,
    list: async (req, q) => withETagsOnPage(await use.list(req.ctx, q)),
    expand,
  });

  app.post(path, { schema: { tags, summary: `Create ${noun}`, body: bodies.create } }, async (req, reply) =>
    sendEntity(req, reply, entity, await use.create(req.ctx, req.body as Create), undefined, 201),
  );

  const send = async (req: FastifyRequest, reply: FastifyReply, id: string) => {
    const q = parseODataQuery(req.query as Record<string, unknown>, resource, {
      ...odataOptions(req),
      expandable: expandableOf(expand) ?? {},
    });
    const [object] = await attachExpansions(req, [withETag(reply, await use.load(req.ctx, id))], q, expand);
    return sendEntity(req, reply, entity, object as object, q);
  };
  if (summaries.me) app.get('/me', { schema: { tags, summary: summaries.me } }, (req, reply) => send(req, reply, meId(req)));
  const get = { tags, summary: summaries.get ?? `Get ${noun}`, params };
  app.get(`${path}/:id`, { schema: get }, (req, reply) => send(req, reply, key(req)));

  const update = { tags, summary: summaries.update ?? `Update ${noun}`, params, body: bodies.update };
  app.patch(`${path}/:id`, { schema: update }, async (req, reply) => {
    await requireIfMatch(req, () => use.load(req.ctx, key(req)));
    return noContent(reply, use.update(req.ctx, key(req), req.body as Update));
  });

  app.delete(`${path}/:id`, { schema: { tags, summary: `Delete ${noun}`, params } }, async (req, reply) => {
    await requireIfMatch(req, () => use.load(req.ctx, key(req)));
    return noContent(reply, use.remove(req.ctx, key(req)));
  });
}
