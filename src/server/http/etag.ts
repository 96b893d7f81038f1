import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { entityTag, ifMatchHolds } from '../domain/etag.js';

/**
 * Graph's ETags on users and groups: `@odata.etag` on each object of a response, the `ETag`
 * header on a single object, and `If-Match` on PATCH and DELETE (412 `PreconditionFailed` when the
 * object changed since; `*` matches any version). The version is the one SCIM uses
 * (domain/etag.ts: the object's audit change stamp and its attributes), so a write through either
 * surface changes the tag both see. The tag of an object is computed from the whole object, before
 * `$select` and `$expand` shape it.
 */

type Identified = { id: string };

/** The current tags of objects (one change-stamp query for all of them), keyed by id. */
async function tagsOf(req: FastifyRequest, objects: readonly Identified[]): Promise<Map<string, string>> {
  const stamps = await req.server.portico.services.auditLog.changeStampsOf(
    req.ctx.caller.tenantId,
    objects.map((o) => o.id),
  );
  return new Map(objects.map((o) => [o.id, entityTag(o, stamps.get(o.id))]));
}

/** The objects with their `@odata.etag` annotation (a page of a collection, or one object). */
async function withETags<T extends Identified>(
  req: FastifyRequest,
  objects: readonly T[],
): Promise<(T & { '@odata.etag': string })[]> {
  const tags = await tagsOf(req, objects);
  return objects.map((o) => ({ '@odata.etag': tags.get(o.id) as string, ...o }));
}

/** A page of a collection with each object's `@odata.etag`. */
export async function withETagsOnPage<T extends Identified, P extends { items: T[] }>(req: FastifyRequest, page: P): Promise<P> {
  return { ...page, items: await withETags(req, page.items) };
}

/** One object with its `@odata.etag`, and the same tag as the response's `ETag` header. */
export async function withETag<T extends Identified>(
  req: FastifyRequest,
  reply: FastifyReply,
  object: T,
): Promise<T & { '@odata.etag': string }> {
  const [tagged] = await withETags(req, [object]);
  const result = tagged as T & { '@odata.etag': string };
  reply.header('etag', result['@odata.etag']);
  return result;
}

/**
 * Before a PATCH or DELETE: with `If-Match`, loads the object (the route's read, authorized as a
 * read) and refuses the write with 412 when its tag is not listed. The check and the write are two
 * steps, as in SCIM: a write that lands between them is not detected.
 */
export async function requireIfMatch(req: FastifyRequest, load: () => Promise<Identified>): Promise<void> {
  const ifMatch = req.headers['if-match'];
  if (ifMatch === undefined) return;
  const object = await load();
  const current = (await tagsOf(req, [object])).get(object.id) as string;
  if (!ifMatchHolds(ifMatch, current)) throw new DomainError('precondition_failed');
}
