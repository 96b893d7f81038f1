import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getCollection, getEntityById } from '../../http/graph.js';
import { outboxResource } from '../../platform/outbox.js';
import { devMessagesResource } from './mail.query.js';

/**
 * Portico extension (not Microsoft Graph): the development mailbox, where mail goes when
 * PORTICO_SMTP_URL is not set, and the delivery status of outgoing mail. Global Administrators
 * and User Administrators only.
 */
export async function mailRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { devMailbox } = app.portico.services;

  const tags = ['devMailbox'];
  const messages = '/devMailbox/messages';
  getCollection(
    app,
    messages,
    { tags, summary: 'List development-mailbox messages, newest first (Portico extension)' },
    devMessagesResource,
    devMailbox.listMessages,
  );
  getEntityById(
    app,
    messages,
    { tags, summary: 'Get a development-mailbox message (Portico extension)' },
    undefined,
    devMailbox.getMessage,
  );
  getCollection(
    app,
    '/devMailbox/outbox',
    { tags, summary: 'Delivery status of outgoing mail, newest first (Portico extension)' },
    outboxResource,
    devMailbox.listOutbox,
  );
}
