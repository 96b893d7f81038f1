import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getCollection, getEntityById } from '../../http/graph.js';
import { signInsResource } from './signins.query.js';

/** The sign-in log (read-only). */
export async function signInsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { signIns } = app.portico.services;
  const path = '/auditLogs/signIns';

  getCollection(
    app,
    path,
    {
      tags: ['audit'],
      summary: 'List sign-ins (newest first)',
      description:
        '$filter on createdDateTime (eq, ge, gt, le, lt), userId, appId (eq, in), userPrincipalName, userDisplayName, ' +
        'appDisplayName, ipAddress (eq, startswith), clientAppUsed, correlationId (eq), status/errorCode (eq, ne, in); ' +
        '$top ≤ 999 (default 100); paging via @odata.nextLink.',
    },
    signInsResource,
    signIns.listSignIns,
  );

  getEntityById(app, path, { tags: ['audit'], summary: 'Get a sign-in' }, signInsResource, signIns.getSignIn);
}
