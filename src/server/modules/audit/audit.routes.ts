import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { parseODataQuery } from '../../odata/query.js';
import { directoryAuditsResource } from './audit.query.js';

const idParam = z.object({ id: z.string().min(1).max(256) });

/** The directory audit log (read-only). */
export async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { auditLog } = app.portico.services;

  app.get(
    '/auditLogs/directoryAudits',
    {
      schema: {
        tags: ['audit'],
        summary: 'List directory audit records (newest first)',
        description:
          '$filter on activityDateTime (eq, ne, gt, ge, lt, le), activityDisplayName (eq, in, startswith), category, correlationId, ' +
          "loggedByService, operationType, result (eq, in), initiatedBy/user/id eq '…', initiatedBy/app/appId eq '…', " +
          "targetResources/any(t: t/id eq '…'); $orderby=activityDateTime [asc|desc]; $top ≤ 999 (default 100); paging via @odata.nextLink.",
      },
    },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, directoryAuditsResource, odataOptions(req));
      return sendCollection(req, reply, 'auditLogs/directoryAudits', await auditLog.listDirectoryAudits(req.ctx, q), q);
    },
  );

  app.get(
    '/auditLogs/directoryAudits/:id',
    { schema: { tags: ['audit'], summary: 'Get a directory audit record', params: idParam } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, directoryAuditsResource, { allowCount: false });
      return sendEntity(
        req,
        reply,
        'auditLogs/directoryAudits/$entity',
        await auditLog.getDirectoryAudit(req.ctx, req.params.id),
        q,
      );
    },
  );
}
