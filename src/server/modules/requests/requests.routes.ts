import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  approveRequestBody,
  createAppAccessRequestBody,
  createGroupJoinRequestBody,
  denyRequestBody,
} from '../../../contracts/requests.js';
import type { OperationContext } from '../../domain/context.js';
import { type GraphApp, meId, odataContext, odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { type ODataQuery, parseODataQuery, type ResourceSpec } from '../../odata/query.js';
import { servicePrincipalsResource } from '../applications/applications.query.js';
import { appAccessRequestsResource, groupJoinRequestsResource } from './requests.query.js';

const key = z.string().min(1).max(256);
const idParam = z.object({ id: key });

/** Request collections are newest first: `$filter`, `$search`, `$top`, `$select` and paging; no `$count`/`$orderby`. */
const parse = (req: FastifyRequest, spec: ResourceSpec): ODataQuery =>
  parseODataQuery(req.query as Record<string, unknown>, spec, { ...odataOptions(req), allowCount: false });

const APP_TAGS = ['appAccessRequests'];
const GROUP_TAGS = ['groupJoinRequests'];
const APP_ENTITY = 'appAccessRequests/$entity';
const GROUP_ENTITY = 'groupJoinRequests/$entity';

/**
 * Self-service requests (Portico's own resources, Microsoft has no public API for them):
 * `appAccessRequest` (My Apps → Request new apps) and `groupJoinRequest` (My Groups → Join group /
 * Request to join), and what waits for the signed-in user's decision.
 */
export async function requestsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  appAccessRoutes(app);
  groupJoinRoutes(app);
  approvalRoutes(app);
}

/** Application access: the catalogue, requests and their decisions. */
function appAccessRoutes(app: GraphApp): void {
  const { appAccessRequests } = app.portico.services;

  app.get(
    '/me/requestableApps',
    { schema: { tags: APP_TAGS, summary: 'Applications the signed-in user may request (My Apps → Request new apps)' } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, servicePrincipalsResource, {
        ...odataOptions(req),
        allowCount: false,
      });
      const page = await appAccessRequests.listRequestableApps(req.ctx, meId(req), q);
      return sendCollection(req, reply, 'Collection(portico.requestableApp)', page, q);
    },
  );

  app.get(
    '/me/appAccessRequests',
    { schema: { tags: APP_TAGS, summary: "The signed-in user's requests for access to applications" } },
    async (req, reply) => {
      const q = parse(req, appAccessRequestsResource);
      return sendCollection(req, reply, 'appAccessRequests', await appAccessRequests.listMine(req.ctx, meId(req), q), q);
    },
  );

  app.post(
    '/servicePrincipals/:id/accessRequests',
    {
      schema: {
        tags: APP_TAGS,
        summary: 'Request access to an application, with a business justification',
        params: idParam,
        body: createAppAccessRequestBody,
      },
    },
    async (req, reply) =>
      sendEntity(req, reply, APP_ENTITY, await appAccessRequests.createRequest(req.ctx, req.params.id, req.body), undefined, 201),
  );

  app.get(
    '/servicePrincipals/:id/accessRequests',
    {
      schema: {
        tags: APP_TAGS,
        summary: "An application's access requests (approvers, owners, administrators)",
        params: idParam,
      },
    },
    async (req, reply) => {
      const q = parse(req, appAccessRequestsResource);
      return sendCollection(req, reply, 'appAccessRequests', await appAccessRequests.listForApp(req.ctx, req.params.id, q), q);
    },
  );

  lifecycleRoutes(app, {
    collection: 'appAccessRequests',
    tags: APP_TAGS,
    noun: 'access request',
    article: 'an',
    approveSummary: 'Approve a pending access request: the requester joins the self-service group',
    refusal: 'deny',
    service: appAccessRequests,
    refuse: (ctx, id, reason) => appAccessRequests.deny(ctx, id, reason),
  });
}

/** Group membership: join, request to join, and the decisions. */
function groupJoinRoutes(app: GraphApp): void {
  const { groupJoinRequests } = app.portico.services;

  app.get(
    '/me/groupJoinRequests',
    { schema: { tags: GROUP_TAGS, summary: "The signed-in user's requests to join groups" } },
    async (req, reply) => {
      const q = parse(req, groupJoinRequestsResource);
      return sendCollection(req, reply, 'groupJoinRequests', await groupJoinRequests.listMine(req.ctx, meId(req), q), q);
    },
  );

  app.post(
    '/groups/:id/joinRequests',
    {
      schema: {
        tags: GROUP_TAGS,
        summary: 'Join a group (open) or ask to join it (owner approval)',
        params: idParam,
        body: createGroupJoinRequestBody,
      },
    },
    async (req, reply) =>
      sendEntity(
        req,
        reply,
        GROUP_ENTITY,
        await groupJoinRequests.createRequest(req.ctx, req.params.id, req.body),
        undefined,
        201,
      ),
  );

  app.get(
    '/groups/:id/joinRequests',
    { schema: { tags: GROUP_TAGS, summary: "A group's join requests (owners, group administrators)", params: idParam } },
    async (req, reply) => {
      const q = parse(req, groupJoinRequestsResource);
      return sendCollection(req, reply, 'groupJoinRequests', await groupJoinRequests.listForGroup(req.ctx, req.params.id, q), q);
    },
  );

  lifecycleRoutes(app, {
    collection: 'groupJoinRequests',
    tags: GROUP_TAGS,
    noun: 'join request',
    article: 'a',
    approveSummary: 'Approve a pending join request: the requester becomes a member',
    refusal: 'reject',
    service: groupJoinRequests,
    refuse: (ctx, id, reason) => groupJoinRequests.reject(ctx, id, reason),
  });
}

/** The life cycle both kinds of request share. */
interface RequestLifecycle<R> {
  getRequest(ctx: OperationContext, id: string): Promise<R>;
  approve(ctx: OperationContext, id: string, reason: string | null): Promise<R>;
  cancel(ctx: OperationContext, id: string, reason: string | null): Promise<R>;
}

/** `GET /{collection}/{id}`, and `POST …/approve`, `…/deny` (or `…/reject`) and `…/cancel`. */
function lifecycleRoutes<R extends object>(
  app: GraphApp,
  o: {
    collection: string;
    tags: string[];
    noun: string;
    article: 'a' | 'an';
    approveSummary: string;
    refusal: 'deny' | 'reject';
    service: RequestLifecycle<R>;
    refuse: (ctx: OperationContext, id: string, reason: string) => Promise<R>;
  },
): void {
  const entity = `${o.collection}/$entity`;
  const { tags, noun, service } = o;
  app.get(
    `/${o.collection}/:id`,
    { schema: { tags, summary: `Get ${o.article} ${noun} (its requester and those who decide it)`, params: idParam } },
    async (req, reply) => sendEntity(req, reply, entity, await service.getRequest(req.ctx, req.params.id)),
  );
  app.post(
    `/${o.collection}/:id/approve`,
    { schema: { tags, summary: o.approveSummary, params: idParam, body: approveRequestBody } },
    async (req, reply) => sendEntity(req, reply, entity, await service.approve(req.ctx, req.params.id, req.body?.reason ?? null)),
  );
  const verb = o.refusal === 'deny' ? 'Deny' : 'Reject';
  app.post(
    `/${o.collection}/:id/${o.refusal}`,
    { schema: { tags, summary: `${verb} a pending ${noun}, with a reason`, params: idParam, body: denyRequestBody } },
    async (req, reply) => sendEntity(req, reply, entity, await o.refuse(req.ctx, req.params.id, req.body.reason)),
  );
  app.post(
    `/${o.collection}/:id/cancel`,
    { schema: { tags, summary: `Cancel your pending ${noun}`, params: idParam, body: approveRequestBody } },
    async (req, reply) => sendEntity(req, reply, entity, await service.cancel(req.ctx, req.params.id, req.body?.reason ?? null)),
  );
}

/** What waits for the signed-in user's decision. */
function approvalRoutes(app: GraphApp): void {
  const { appAccessRequests, groupJoinRequests, requests } = app.portico.services;

  app.get(
    '/me/pendingApprovals',
    {
      schema: {
        tags: ['users'],
        summary: "Requests waiting for the signed-in user's decision, per application and group (Portico extension)",
      },
    },
    async (req, reply) =>
      reply.send({
        '@odata.context': odataContext(req, 'portico.pendingApprovals'),
        ...(await requests.pendingApprovals(req.ctx, meId(req))),
      }),
  );

  app.get(
    '/me/pendingApprovals/appAccessRequests',
    {
      schema: { tags: APP_TAGS, summary: 'Pending access requests for the applications the signed-in user approves for or owns' },
    },
    async (req, reply) => {
      const q = parse(req, appAccessRequestsResource);
      return sendCollection(req, reply, 'appAccessRequests', await appAccessRequests.listToDecide(req.ctx, meId(req), q), q);
    },
  );

  app.get(
    '/me/pendingApprovals/groupJoinRequests',
    { schema: { tags: GROUP_TAGS, summary: 'Pending join requests for the groups the signed-in user owns' } },
    async (req, reply) => {
      const q = parse(req, groupJoinRequestsResource);
      return sendCollection(req, reply, 'groupJoinRequests', await groupJoinRequests.listToDecide(req.ctx, meId(req), q), q);
    },
  );
}
