import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { updateOrganizationBody } from '../../../contracts/organization.js';
import { getCollection, getEntityById, idParam, noContent } from '../../http/graph.js';
import type { ResourceSpec } from '../../odata/query.js';

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

  getCollection(
    app,
    '/organization',
    { tags: ['organization'], summary: 'List the organization (one element)' },
    organizationResource,
    async (ctx) => ({
      items: await organization.listOrganization(ctx),
    }),
  );

  getEntityById(
    app,
    '/organization',
    { tags: ['organization'], summary: 'Get the organization' },
    organizationResource,
    organization.getOrganization,
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
      return noContent(reply, organization.updateOrganization(req.ctx, req.params.id, body));
    },
  );
}
