import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addPasswordBody, removePasswordBody } from '../../../contracts/applications.js';
import { odataRef } from '../../../contracts/common.js';
import type { OperationContext } from '../../domain/context.js';
import { type GraphApp, odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { parseODataQuery, selectFields } from '../../odata/query.js';
import { usersResource } from '../users/users.query.js';
import type { AppRegistrationsService } from './app-registrations.service.js';

const key = z.string().min(1).max(256);
const idParam = z.object({ id: key });
const ownerParams = z.object({ id: key, ownerId: key });
const tags = ['applications'];

// Routes that /servicePrincipals/{id} and /applications/{id} share: the two faces of one application
// keep the same URLs, schemas and statuses for PATCH/DELETE, client secrets and owners, built here once.

/** The use cases behind the routes: the service principal's own, or the app registration's (which delegate to them). */
type SecretsAndOwners = Pick<
  AppRegistrationsService,
  'addPassword' | 'removePassword' | 'listOwners' | 'addOwner' | 'removeOwner'
>;

export interface SecretsAndOwnersRoutes {
  /** The collection the object is addressed in: `/{collection}/:id/addPassword`, `/{collection}/:id/owners`… */
  collection: 'servicePrincipals' | 'applications';
  service: SecretsAndOwners;
  /** The OpenAPI summaries that differ between the two surfaces. */
  summaries: { addPassword: string; listOwners: string; addOwner: string; removeOwner: string };
}

/** PATCH and DELETE of one object of the pair (its service principal or its app registration). */
export interface UpdateAndDelete<B extends z.ZodType> {
  collection: 'servicePrincipals' | 'applications';
  body: B;
  summaries: { update: string; delete: string };
  update: (ctx: OperationContext, key: string, body: z.infer<B>) => Promise<void>;
  delete: (ctx: OperationContext, key: string) => Promise<void>;
}

/** `PATCH /{collection}/:id` (204) and `DELETE /{collection}/:id` (204). */
export function updateAndDeleteRoutes<B extends z.ZodType>(app: GraphApp, r: UpdateAndDelete<B>): void {
  const path = `/${r.collection}/:id`;
  app.patch(path, { schema: { tags, summary: r.summaries.update, params: idParam, body: r.body } }, async (req, reply) => {
    await r.update(req.ctx, req.params.id, req.body as z.infer<B>);
    return reply.status(204).send();
  });

  app.delete(path, { schema: { tags, summary: r.summaries.delete, params: idParam } }, async (req, reply) => {
    await r.delete(req.ctx, req.params.id);
    return reply.status(204).send();
  });
}

const ownersQuery = (req: FastifyRequest) =>
  parseODataQuery(req.query as Record<string, unknown>, usersResource, odataOptions(req));

/**
 * The client secrets and owners of an enterprise application, served both on its service principal
 * (`/servicePrincipals/{id}/…`) and on its app registration (`/applications/{id}/…`): the pair has
 * one set of secrets and owners, stored on the service principal.
 */
export function secretsAndOwnersRoutes(app: GraphApp, { collection, service, summaries }: SecretsAndOwnersRoutes): void {
  const base = `/${collection}/:id`;
  app.post(
    `${base}/addPassword`,
    { schema: { tags, summary: summaries.addPassword, params: idParam, body: addPasswordBody } },
    async (req, reply) => {
      const credential = await service.addPassword(req.ctx, req.params.id, req.body);
      return sendEntity(req, reply, 'microsoft.graph.passwordCredential', credential);
    },
  );

  app.post(
    `${base}/removePassword`,
    { schema: { tags, summary: 'Remove a client secret', params: idParam, body: removePasswordBody } },
    async (req, reply) => {
      await service.removePassword(req.ctx, req.params.id, req.body.keyId);
      return reply.status(204).send();
    },
  );

  app.get(`${base}/owners`, { schema: { tags, summary: summaries.listOwners, params: idParam } }, async (req, reply) => {
    const q = ownersQuery(req);
    const page = await service.listOwners(req.ctx, req.params.id, q);
    const items = page.items.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...selectFields(u, q) }));
    return sendCollection(req, reply, 'directoryObjects', { ...page, items }, { ...q, select: undefined });
  });

  app.post(
    `${base}/owners/$ref`,
    { schema: { tags, summary: summaries.addOwner, params: idParam, body: odataRef } },
    async (req, reply) => {
      await service.addOwner(req.ctx, req.params.id, req.body['@odata.id']);
      return reply.status(204).send();
    },
  );

  app.delete(
    `${base}/owners/:ownerId/$ref`,
    { schema: { tags, summary: summaries.removeOwner, params: ownerParams } },
    async (req, reply) => {
      await service.removeOwner(req.ctx, req.params.id, req.params.ownerId);
      return reply.status(204).send();
    },
  );
}
