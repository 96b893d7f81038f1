import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { objectKey } from '../../../contracts/users.js';
import { DomainError } from '../../domain/errors.js';
import { noContent, odataContext, sendEntity } from '../../http/graph.js';
import { MAX_TOP, parseODataQuery, type ResourceSpec } from '../../odata/query.js';
import { groupsResource } from '../groups/groups.query.js';
import { usersResource } from '../users/users.query.js';
import type { DeltaKind } from './delta.service.js';

const idParam = z.object({ id: objectKey });
const DELETED_TYPES = { 'microsoft.graph.user': 'user', 'microsoft.graph.group': 'group' } as const;

const refuse = (message: string) => new DomainError('odata_query_invalid', message);

/** Only these query options; anything else is refused by name (as Graph does). */
function checkOptions(query: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (key.startsWith('$') && !allowed.includes(key.toLowerCase())) {
      throw refuse(`The query option '${key}' is not supported here.`);
    }
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `$select` checked against a resource, with extra names it may also carry (`deletedDateTime`, `members`). */
function parseSelect(query: Record<string, unknown>, spec: ResourceSpec, extra: readonly string[]): string[] | undefined {
  const raw = str(query.$select);
  if (!raw) return undefined;
  const names = raw.split(',').map((s) => s.trim());
  const own = names.filter((n) => !extra.some((e) => e.toLowerCase() === n.toLowerCase()));
  const q = own.length ? parseODataQuery({ $select: own.join(',') }, spec) : { select: [] as string[] };
  const kept = extra.filter((e) => names.some((n) => n.toLowerCase() === e.toLowerCase()));
  return [...(q.select ?? []), ...kept];
}

function parseTop(v: unknown): number {
  if (v === undefined) return 100;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) throw refuse(`$top must be an integer from 1 to ${MAX_TOP}.`);
  return n;
}

/** `Prefer: odata.maxpagesize=N` (Graph's page size for delta queries), 1–999. */
function maxPageSize(prefer: string | string[] | undefined): number | undefined {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec([prefer ?? []].flat().join(','));
  return m ? Math.min(Math.max(Number(m[1]), 1), MAX_TOP) : undefined;
}

const link = (req: FastifyRequest, path: string, option: string, token: string) =>
  `${req.server.portico.config.publicUrl}/v1.0${path}?${option}=${encodeURIComponent(token)}`;

/** directory/deletedItems (soft delete, restore, hard delete) and users|groups/delta. */
export async function directoryRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { deletedItems, delta } = app.portico.services;

  for (const [cast, kind] of Object.entries(DELETED_TYPES)) {
    app.get(
      `/directory/deletedItems/${cast}`,
      { schema: { tags: ['directory'], summary: `List deleted ${kind}s (kept 30 days), newest deletion first` } },
      async (req, reply) => {
        const query = req.query as Record<string, unknown>;
        checkOptions(query, ['$select', '$top', '$skiptoken']);
        const select = parseSelect(query, kind === 'user' ? usersResource : groupsResource, ['deletedDateTime']);
        const page = await deletedItems.listDeletedItems(req.ctx, kind, {
          top: parseTop(query.$top),
          skiptoken: str(query.$skiptoken),
        });
        const body: Record<string, unknown> = { '@odata.context': odataContext(req, `directory/deletedItems/${cast}`) };
        if (page.skiptoken) body['@odata.nextLink'] = link(req, `/directory/deletedItems/${cast}`, '$skiptoken', page.skiptoken);
        body.value = page.items.map((i) => (select ? pickWithType(i, select) : i));
        return reply.send(body);
      },
    );
  }

  app.get(
    '/directory/deletedItems/:id',
    { schema: { tags: ['directory'], summary: 'Get a deleted user or group', params: idParam } },
    async (req, reply) => {
      checkOptions(req.query as Record<string, unknown>, []);
      return sendEntity(req, reply, 'directory/deletedItems/$entity', await deletedItems.getDeletedItem(req.ctx, req.params.id));
    },
  );

  app.post(
    '/directory/deletedItems/:id/restore',
    { schema: { tags: ['directory'], summary: 'Restore a deleted user or group', params: idParam } },
    async (req, reply) => sendEntity(req, reply, 'directoryObjects/$entity', await deletedItems.restore(req.ctx, req.params.id)),
  );

  app.delete(
    '/directory/deletedItems/:id',
    { schema: { tags: ['directory'], summary: 'Permanently delete a deleted user or group', params: idParam } },
    async (req, reply) => noContent(reply, deletedItems.hardDelete(req.ctx, req.params.id)),
  );

  for (const kind of ['users', 'groups'] as DeltaKind[]) {
    app.get(
      `/${kind}/delta`,
      {
        schema: {
          tags: [kind],
          summary: `Track changes of ${kind}: @odata.nextLink pages, then an @odata.deltaLink for the next round`,
        },
      },
      async (req, reply) => {
        const query = req.query as Record<string, unknown>;
        checkOptions(query, ['$select', '$deltatoken', '$skiptoken']);
        const select = parseSelect(
          query,
          kind === 'users' ? usersResource : groupsResource,
          kind === 'groups' ? ['members'] : [],
        );
        const page = await delta.delta(req.ctx, kind, {
          select,
          skipToken: str(query.$skiptoken),
          deltaToken: str(query.$deltatoken),
          pageSize: maxPageSize(req.headers.prefer),
        });
        const body: Record<string, unknown> = { '@odata.context': odataContext(req, kind) };
        if (page.next) body['@odata.nextLink'] = link(req, `/${kind}/delta`, '$skiptoken', page.next);
        if (page.delta) body['@odata.deltaLink'] = link(req, `/${kind}/delta`, '$deltatoken', page.delta);
        body.value = page.items;
        return reply.send(body);
      },
    );
  }
}

const pickWithType = (item: object, select: string[]) => {
  const o = item as Record<string, unknown>;
  const out: Record<string, unknown> = { '@odata.type': o['@odata.type'], id: o.id };
  for (const k of select) if (k in o) out[k] = o[k];
  return out;
};
