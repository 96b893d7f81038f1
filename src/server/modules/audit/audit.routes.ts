import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getCollection, getEntityById } from '../../http/graph.js';
import { directoryAuditsResource } from './audit.query.js';

/** The directory audit log (read-only). */
export async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { auditLog } = app.portico.services;
  const path = '/auditLogs/directoryAudits';

  getCollection(
    app,
    path,
    {
      tags: ['audit'],
      summary: 'List directory audit records (newest first)',
      description:
        '$filter on activityDateTime (eq, ne, gt, ge, lt, le), activityDisplayName (eq, in, startswith), category, correlationId, ' +
        "loggedByService, operationType, result (eq, in), initiatedBy/user/id eq '…', initiatedBy/app/appId eq '…', " +
        "targetResources/any(t: t/id eq '…'); $orderby=activityDateTime [asc|desc]; $top ≤ 999 (default 100); paging via @odata.nextLink.",
    },
    directoryAuditsResource,
    auditLog.listDirectoryAudits,
    { consistency: true },
  );

  getEntityById(
    app,
    path,
    { tags: ['audit'], summary: 'Get a directory audit record' },
    directoryAuditsResource,
    auditLog.getDirectoryAudit,
  );
}
