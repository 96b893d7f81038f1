import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createPermissionGrantBody, updatePermissionGrantBody } from '../../../contracts/permission-grants.js';
import { getCollection, getEntityById, idParam, sendEntity } from '../../http/graph.js';
import { permissionGrantsResource } from './permission-grants.query.js';

const tags = ['oauth2PermissionGrants'];

/** Delegated permission grants (Graph's /oauth2PermissionGrants): admin consent, per user or for all. */
export async function permissionGrantsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const grants = () => app.portico.services.permissionGrants;

  const path = '/oauth2PermissionGrants';
  getCollection(
    app,
    path,
    { tags, summary: 'List delegated permission grants' },
    permissionGrantsResource,
    (ctx, q) => grants().list(ctx, q),
    {
      consistency: true,
    },
  );
  getEntityById(app, path, { tags, summary: 'Get a delegated permission grant' }, permissionGrantsResource, (ctx, id) =>
    grants().get(ctx, id),
  );

  app.post(
    '/oauth2PermissionGrants',
    { schema: { tags, summary: 'Grant delegated permissions (admin consent)', body: createPermissionGrantBody } },
    async (req, reply) => {
      const g = await grants().create(req.ctx, req.body);
      return sendEntity(req, reply, 'oauth2PermissionGrants/$entity', g, undefined, 201);
    },
  );

  app.patch(
    '/oauth2PermissionGrants/:id',
    {
      schema: {
        tags,
        summary: 'Change the scope of a delegated permission grant',
        params: idParam,
        body: updatePermissionGrantBody,
      },
    },
    async (req, reply) => {
      await grants().update(req.ctx, req.params.id, req.body.scope);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/oauth2PermissionGrants/:id',
    { schema: { tags, summary: 'Revoke a delegated permission grant', params: idParam } },
    async (req, reply) => {
      await grants().remove(req.ctx, req.params.id);
      return reply.status(204).send();
    },
  );
}
