import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { objectKey } from '../../../contracts/users.js';
import { meId, sendEntity } from '../../http/graph.js';

/**
 * "Why does this person have access?" (Portico extension) as Graph functions: the user's key and
 * the application's id are function parameters in Graph's call syntax, `name(param='value')`
 * (the quotes may be percent-encoded). The router matches the parameter up to its closing quote.
 */
const tags = ['applications'];
const VALUE = "([^/']+)";
const CONTEXT = 'microsoft.graph.accessExplanation';

export async function accessExplanationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { accessExplanations } = app.portico.services;

  app.get(
    `/servicePrincipals/:id/accessExplanation(userId=':userId${VALUE}')`,
    {
      schema: {
        tags,
        summary:
          'Why does this user have access (or not)? Every path from the user to the application, how each link came to be, and the sign-in verdict (Portico extension)',
        params: z.object({ id: z.string().min(1).max(256), userId: objectKey }),
      },
    },
    async (req, reply) => {
      const explanation = await accessExplanations.explain(req.ctx, req.params.id, req.params.userId);
      return sendEntity(req, reply, CONTEXT, explanation);
    },
  );

  app.get(
    `/me/accessExplanation(servicePrincipalId=':servicePrincipalId${VALUE}')`,
    {
      schema: {
        tags,
        summary: 'Why do I have access (or not) to this application? (Portico extension)',
        params: z.object({ servicePrincipalId: z.string().min(1).max(256) }),
      },
    },
    async (req, reply) => {
      const explanation = await accessExplanations.explain(req.ctx, req.params.servicePrincipalId, meId(req));
      return sendEntity(req, reply, CONTEXT, explanation);
    },
  );
}
