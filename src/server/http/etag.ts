import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { entityTag, ifMatchHolds } from '../domain/etag.js';

/**
 * Graph's ETags on users and groups: `@odata.etag` on each object of a response, the `ETag`
 * header on a single object, and `If-Match` on PATCH and DELETE (412 `PreconditionFailed` when the
 * object changed since; `*` matches any version). The tag is domain/etag.ts's digest of the whole
 * object, computed before `$select` and `$expand` shape it, so a write through any surface (Graph,
 * SCIM, the portal) that changes what Graph returns changes the tag.
 */

type Identified = { id: string };

/**
 * The current tags of objects, keyed by id: a digest of the whole object as Graph returns it (weak
 * tags: a representation that has not changed keeps its tag). No query: reading a user or a page of
 * groups costs what it cost before ETags (SCIM, whose groups carry their members, adds the audit
 * change stamp to the same digest).
 */
function tagsOf(objects: readonly Identified[]): Map<string, string> {
  return new Map(objects.map((o) => [o.id, entityTag(o, undefined)]));
}

/** The objects with their `@odata.etag` annotation (a page of a collection, or one object). */
function withETags<T extends Identified>(objects: readonly T[]): (T & { '@odata.etag': string })[] {
  const tags = tagsOf(objects);
  return objects.map((o) => ({ '@odata.etag': tags.get(o.id) as string, ...o }));
}

/** A page of a collection with each object's `@odata.etag`. */
export function withETagsOnPage<T extends Identified, P extends { items: T[] }>(page: P): P {
  return { ...page, items: withETags(page.items) };
}

/** One object with its `@odata.etag`, and the same tag as the response's `ETag` header. */
export function withETag<T extends Identified>(reply: FastifyReply, object: T): T & { '@odata.etag': string } {
  const [tagged] = withETags([object]);
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
  const current = tagsOf([object]).get(object.id) as string;
  if (!ifMatchHolds(ifMatch, current)) throw new DomainError('precondition_failed');
}
