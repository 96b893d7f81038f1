import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendCollection, sendEntity } from '../../http/graph.js';
import { parseODataQuery } from '../../odata/query.js';
import { signInsResource } from './signins.query.js';

const idParam = z.object({ id: z.string().min(1).max(256) });

/** The sign-in log (read-only). */
export async function signInsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { signIns } = app.portico.services;

  app.get(
    '/auditLogs/signIns',
    {
      schema: {
        tags: ['audit'],
        summary: 'List sign-ins (newest first)',
        description:
          '$filter on createdDateTime (eq, ge, gt, le, lt), userId, appId (eq, in), userPrincipalName, userDisplayName, ' +
          'appDisplayName, ipAddress (eq, startswith), clientAppUsed, correlationId (eq), status/errorCode (eq, ne, in); ' +
          '$top ≤ 999 (default 100); paging via @odata.nextLink.',
      },
    },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, signInsResource, { allowCount: false });
      return sendCollection(req, reply, 'auditLogs/signIns', await signIns.listSignIns(req.ctx, q), q);
    },
  );

  app.get(
    '/auditLogs/signIns/:id',
    { schema: { tags: ['audit'], summary: 'Get a sign-in', params: idParam } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, signInsResource, { allowCount: false });
      return sendEntity(req, reply, 'auditLogs/signIns/$entity', await signIns.getSignIn(req.ctx, req.params.id), q);
    },
  );
}
