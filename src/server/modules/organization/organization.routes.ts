import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { updateOrganizationBody } from '../../../contracts/organization.js';
import { sendCollection, sendEntity } from '../../http/graph.js';
import { parseODataQuery, type ResourceSpec } from '../../odata/query.js';

const idParam = z.object({ id: z.string().min(1).max(256) });

/** Only `$select` is meaningful on a one-element collection; `$filter` supports id. */
const organizationResource: ResourceSpec = {
  name: 'organization',
  idColumn: 'id',
  properties: {
    id: { type: 'guid' },
    displayName: { type: 'string' },
    tenantType: { type: 'string' },
    verifiedDomains: { type: 'stringCollection' },
    privacyProfile: { type: 'string' },
    technicalNotificationMails: { type: 'stringCollection' },
    createdDateTime: { type: 'datetime' },
  },
};

const updateBody = updateOrganizationBody.extend({ '@odata.type': z.string().max(256).optional() }).strict();

/** The tenant as Graph's `organization` collection (one element). */
export async function organizationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { organization } = app.portico.services;

  app.get(
    '/organization',
    { schema: { tags: ['organization'], summary: 'List the organization (one element)' } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, organizationResource, { allowCount: false });
      return sendCollection(req, reply, 'organization', { items: await organization.listOrganization(req.ctx) }, q);
    },
  );

  app.get(
    '/organization/:id',
    { schema: { tags: ['organization'], summary: 'Get the organization', params: idParam } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, organizationResource, { allowCount: false });
      return sendEntity(req, reply, 'organization/$entity', await organization.getOrganization(req.ctx, req.params.id), q);
    },
  );

  app.patch(
    '/organization/:id',
    {
      schema: {
        tags: ['organization'],
        summary: 'Update the organization (display name, privacy profile, technical contacts)',
        description: 'Global Administrators only. privacyProfile is replaced as a whole.',
        params: idParam,
        body: updateBody,
      },
    },
    async (req, reply) => {
      const { '@odata.type': _ignored, ...body } = req.body;
      await organization.updateOrganization(req.ctx, req.params.id, body);
      return reply.status(204).send();
    },
  );
}
