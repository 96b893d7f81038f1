import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendCollection, sendEntity } from '../../http/graph.js';
import { type ODataQuery, parseODataQuery, type ResourceSpec } from '../../odata/query.js';
import { outboxResource } from '../../platform/outbox.js';
import { devMessagesResource } from './mail.query.js';

const idParam = z.object({ id: z.string().min(1).max(256) });

const parse = (req: FastifyRequest, spec: ResourceSpec): ODataQuery =>
  parseODataQuery(req.query as Record<string, unknown>, spec, { allowCount: false });

/**
 * Portico extension (not Microsoft Graph): the development mailbox, where mail goes when
 * PORTICO_SMTP_URL is not set, and the delivery status of outgoing mail. Global Administrators
 * and User Administrators only.
 */
export async function mailRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { devMailbox } = app.portico.services;

  app.get(
    '/devMailbox/messages',
    { schema: { tags: ['devMailbox'], summary: 'List development-mailbox messages, newest first (Portico extension)' } },
    async (req, reply) => {
      const q = parse(req, devMessagesResource);
      return sendCollection(req, reply, 'devMailbox/messages', await devMailbox.listMessages(req.ctx, q), q);
    },
  );

  app.get(
    '/devMailbox/messages/:id',
    { schema: { tags: ['devMailbox'], summary: 'Get a development-mailbox message (Portico extension)', params: idParam } },
    async (req, reply) =>
      sendEntity(req, reply, 'devMailbox/messages/$entity', await devMailbox.getMessage(req.ctx, req.params.id)),
  );

  app.get(
    '/devMailbox/outbox',
    { schema: { tags: ['devMailbox'], summary: 'Delivery status of outgoing mail, newest first (Portico extension)' } },
    async (req, reply) => {
      const q = parse(req, outboxResource);
      return sendCollection(req, reply, 'devMailbox/outbox', await devMailbox.listOutbox(req.ctx, q), q);
    },
  );
}
