import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type ZodType, z } from 'zod';
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

  kindRoutes(app, {
    collection: 'appAccessRequests',
    resource: appAccessRequestsResource,
    tags: APP_TAGS,
    noun: 'access request',
    article: 'an',
    target: '/servicePrincipals/:id/accessRequests',
    summaries: {
      mine: "The signed-in user's requests for access to applications",
      create: 'Request access to an application, with a business justification',
      target: "An application's access requests (approvers, owners, administrators)",
      approve: 'Approve a pending access request: the requester joins the self-service group',
      pending: 'Pending access requests for the applications the signed-in user approves for or owns',
    },
    createBody: createAppAccessRequestBody,
    refusal: 'deny',
    service: appAccessRequests,
  });
}

/** Group membership: join, request to join, and the decisions. */
function groupJoinRoutes(app: GraphApp): void {
  const { groupJoinRequests } = app.portico.services;
  kindRoutes(app, {
    collection: 'groupJoinRequests',
    resource: groupJoinRequestsResource,
    tags: GROUP_TAGS,
    noun: 'join request',
    article: 'a',
    target: '/groups/:id/joinRequests',
    summaries: {
      mine: "The signed-in user's requests to join groups",
      create: 'Join a group (open) or ask to join it (owner approval)',
      target: "A group's join requests (owners, group administrators)",
      approve: 'Approve a pending join request: the requester becomes a member',
      pending: 'Pending join requests for the groups the signed-in user owns',
    },
    createBody: createGroupJoinRequestBody,
    refusal: 'reject',
    service: groupJoinRequests,
  });
}

type Page<R> = { items: R[]; skiptoken?: string };

/** What both kinds of request offer alike (see RequestService). */
interface RequestUseCases<R, B> {
  createRequest(ctx: OperationContext, targetId: string, body: B): Promise<R>;
  getRequest(ctx: OperationContext, id: string): Promise<R>;
  approve(ctx: OperationContext, id: string, reason: string | null): Promise<R>;
  cancel(ctx: OperationContext, id: string, reason: string | null): Promise<R>;
  refuse(ctx: OperationContext, id: string, reason: string): Promise<R>;
  listForTarget(ctx: OperationContext, targetId: string, q: ODataQuery): Promise<Page<R>>;
  listMine(ctx: OperationContext, userId: string, q: ODataQuery): Promise<Page<R>>;
  listToDecide(ctx: OperationContext, userId: string, q: ODataQuery): Promise<Page<R>>;
}

/**
 * One kind of request: `GET /me/{collection}`, `POST` and `GET` on its target (an application's,
 * a group's requests), `GET /{collection}/{id}`, `POST …/approve`, `…/deny` (or `…/reject`) and
 * `…/cancel`, and `GET /me/pendingApprovals/{collection}`.
 */
function kindRoutes<R extends object, B>(
  app: GraphApp,
  o: {
    collection: string;
    resource: ResourceSpec;
    tags: string[];
    noun: string;
    article: 'a' | 'an';
    /** The path of the target's requests. */
    target: string;
    summaries: { mine: string; create: string; target: string; approve: string; pending: string };
    createBody: ZodType<B>;
    refusal: 'deny' | 'reject';
    service: RequestUseCases<R, B>;
  },
): void {
  const { collection, tags, noun, service, summaries } = o;
  const entity = `${collection}/$entity`;
  const list = (path: string, summary: string, page: (req: FastifyRequest, q: ODataQuery) => Promise<Page<R>>) =>
    app.get(path, { schema: { tags, summary, ...(path.includes(':id') ? { params: idParam } : {}) } }, async (req, reply) => {
      const q = parse(req, o.resource);
      return sendCollection(req, reply, collection, await page(req, q), q);
    });
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;
  list(`/me/${collection}`, summaries.mine, (req, q) => service.listMine(req.ctx, meId(req), q));
  app.post(o.target, { schema: { tags, summary: summaries.create, params: idParam, body: o.createBody } }, async (req, reply) =>
    sendEntity(req, reply, entity, await service.createRequest(req.ctx, req.params.id, req.body as B), undefined, 201),
  );
  list(o.target, summaries.target, (req, q) => service.listForTarget(req.ctx, id(req), q));
  list(`/me/pendingApprovals/${collection}`, summaries.pending, (req, q) => service.listToDecide(req.ctx, meId(req), q));
  app.get(
    `/${collection}/:id`,
    { schema: { tags, summary: `Get ${o.article} ${noun} (its requester and those who decide it)`, params: idParam } },
    async (req, reply) => sendEntity(req, reply, entity, await service.getRequest(req.ctx, req.params.id)),
  );
  app.post(
    `/${collection}/:id/approve`,
    { schema: { tags, summary: summaries.approve, params: idParam, body: approveRequestBody } },
    async (req, reply) => sendEntity(req, reply, entity, await service.approve(req.ctx, req.params.id, req.body?.reason ?? null)),
  );
  const verb = o.refusal === 'deny' ? 'Deny' : 'Reject';
  app.post(
    `/${collection}/:id/${o.refusal}`,
    { schema: { tags, summary: `${verb} a pending ${noun}, with a reason`, params: idParam, body: denyRequestBody } },
    async (req, reply) => sendEntity(req, reply, entity, await service.refuse(req.ctx, req.params.id, req.body.reason)),
  );
  app.post(
    `/${collection}/:id/cancel`,
    { schema: { tags, summary: `Cancel your pending ${noun}`, params: idParam, body: approveRequestBody } },
    async (req, reply) => sendEntity(req, reply, entity, await service.cancel(req.ctx, req.params.id, req.body?.reason ?? null)),
  );
}

/** What waits for the signed-in user's decision. */
function approvalRoutes(app: GraphApp): void {
  const { requests } = app.portico.services;

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
}
