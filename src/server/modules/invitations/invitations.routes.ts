import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { displayString } from '../../../contracts/common.js';
import { invitationBody, invitedEmailAddress, WELCOME_MESSAGE_MAX } from '../../../contracts/invitations.js';
import { objectKey } from '../../../contracts/users.js';
import { sendCollection, sendEntity } from '../../http/graph.js';
import { parseODataQuery } from '../../odata/query.js';
import { escapeHtml } from '../../platform/html.js';
import { usersResource } from '../users/users.query.js';

const idParam = z.object({ id: objectKey });

/** My Groups "Add members": pick a directory user, or type an e-mail address (+ welcome message). */
export const myGroupsAddBody = z.union([
  z.object({ userId: z.string().uuid('userId must be a GUID') }).strict(),
  z
    .object({
      emailAddress: invitedEmailAddress,
      displayName: displayString(256).optional(),
      welcomeMessage: z
        .string()
        .max(WELCOME_MESSAGE_MAX, `welcomeMessage must be at most ${WELCOME_MESSAGE_MAX} characters`)
        .optional(),
      messageLanguage: z
        .string()
        .regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'messageLanguage must be an ISO 639 language tag such as en-US')
        .optional(),
    })
    .strict(),
]);

export async function invitationsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { invitations } = app.portico.services;

  app.post(
    '/invitations',
    { schema: { tags: ['invitations'], summary: 'Invite an external user (Graph invitation manager)', body: invitationBody } },
    async (req, reply) =>
      sendEntity(req, reply, 'invitations/$entity', await invitations.createInvitation(req.ctx, req.body), undefined, 201),
  );

  app.get(
    '/groups/:id/members/addOptions',
    {
      schema: {
        tags: ['groups'],
        summary:
          'My Groups: what "Add members" allows the signed-in user — adding people, inviting guests — and if not, why and whom to ask (Portico extension)',
        params: idParam,
      },
    },
    async (req, reply) => {
      const options = await app.portico.services.directory.myGroupsAddOptions(req.ctx, req.params.id);
      return reply.status(200).send({
        '@odata.context': `${app.portico.config.publicUrl}/v1.0/$metadata#microsoft.portico.myGroupsAddOptions`,
        ...options,
      });
    },
  );

  app.post(
    '/groups/:id/members/add',
    {
      schema: {
        tags: ['groups'],
        summary:
          'My Groups: add a member, or invite a guest by e-mail with a welcome message and add them (Portico extension; applies the self-service group settings)',
        params: idParam,
        body: myGroupsAddBody,
      },
    },
    async (req, reply) => {
      const r = await app.portico.services.directory.addToGroupFromMyGroups(req.ctx, req.params.id, req.body);
      return reply.status(200).send({
        '@odata.context': `${app.portico.config.publicUrl}/v1.0/$metadata#microsoft.portico.myGroupsAddResult`,
        status: r.status,
        user: r.user,
        ...(r.invitation ? { invitation: r.invitation } : {}),
      });
    },
  );

  app.post(
    '/users/:id/resendInvitation',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Send a pending guest a new invitation e-mail (Portico extension)',
        params: idParam,
      },
    },
    async (req, reply) =>
      sendEntity(req, reply, 'invitations/$entity', await invitations.resendInvitation(req.ctx, req.params.id)),
  );

  app.get(
    '/users/:id/sponsors',
    { schema: { tags: ['users'], summary: 'List the sponsors of a user (the inviter by default)', params: idParam } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, usersResource, {});
      const items = await invitations.listSponsors(req.ctx, req.params.id);
      return sendCollection(
        req,
        reply,
        'users',
        { items: items.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...u })) },
        q,
      );
    },
  );
}

const page = (reply: FastifyReply, status: number, title: string, body: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(
        title,
      )}</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}button{padding:.6rem 1.2rem;font-size:1rem;background:#0f6cbd;color:#fff;border:0;border-radius:4px;cursor:pointer}</style></head><body>${body}</body></html>`,
    );

const unsubscribeQuery = z.object({
  tenant: z.string().uuid(),
  email: z.string().min(3).max(254),
  sig: z.string().min(10).max(100),
});

/** "Block future invitations from this organization" — confirmation page, then POST (link scanners only GET). */
export async function unsubscribeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { unsubscribes } = app.portico.services;
  const invalid = (reply: FastifyReply) =>
    page(reply, 400, 'Link not valid', '<h1>This link is not valid</h1><p>Open the link from the invitation e-mail again.</p>');
  /** The link's parameters (from the query or the form) and its tenant, when the signature holds. */
  const verified = async (input: unknown) => {
    const q = unsubscribeQuery.safeParse(input);
    if (!q.success) return undefined;
    const tenant = await unsubscribes.verifyUnsubscribe(q.data.tenant, q.data.email, q.data.sig);
    return tenant && { tenant, data: q.data };
  };

  app.get(
    '/invitations/unsubscribe',
    { schema: { tags: ['invitations'], summary: 'Block future invitations (confirmation page)' } },
    async (req, reply) => {
      const link = await verified(req.query);
      if (!link) return invalid(reply);
      const { tenant, data } = link;
      const e = escapeHtml;
      return page(
        reply,
        200,
        'Block invitations',
        `<h1>Block invitations from ${e(tenant.displayName)}?</h1><p>${e(data.email)} will no longer receive invitation e-mails from ${e(
          tenant.displayName,
        )}.</p><form method="post"><input type="hidden" name="tenant" value="${e(data.tenant)}"><input type="hidden" name="email" value="${e(
          data.email,
        )}"><input type="hidden" name="sig" value="${e(data.sig)}"><button type="submit">Block future invitations</button></form>`,
      );
    },
  );

  app.post(
    '/invitations/unsubscribe',
    { schema: { tags: ['invitations'], summary: 'Block future invitations' } },
    async (req, reply) => {
      const link = await verified(req.body);
      if (!link) return invalid(reply);
      const { tenant, data } = link;
      await unsubscribes.setUnsubscribed(tenant, data.email, true);
      return page(
        reply,
        200,
        'Invitations blocked',
        `<h1>Done</h1><p>${escapeHtml(data.email)} will not receive invitation e-mails from ${escapeHtml(tenant.displayName)} any more.</p>`,
      );
    },
  );
}
