import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApplicationBody, updateApplicationBody } from '../../../contracts/app-registrations.js';
import { attachExpansions, type Expander, expandableOf, registerCollection } from '../../http/collections.js';
import { type GraphApp, odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { declareBodyType } from '../../http/odata-type.js';
import { type ODataQuery, parseODataQuery, selectFields } from '../../odata/query.js';
import { usersResource } from '../users/users.query.js';
import { applicationsResource } from './app-registrations.query.js';
import { secretsAndOwnersRoutes, updateAndDeleteRoutes } from './application-object.routes.js';

const key = z.string().min(1).max(256);
const idParam = z.object({ id: key });
const tags = ['applications'];
const TYPE = '#microsoft.graph.application';

declareBodyType(createApplicationBody, 'application');
declareBodyType(updateApplicationBody, 'application');

/** `$expand=owners` on applications (a page or one; ≤ 20 owners each), with a nested `$select`. */
const expansions = (app: GraphApp): Record<string, Expander> => ({
  owners: {
    spec: usersResource,
    load: (ctx, parents) =>
      app.portico.services.appRegistrations.expandOwners(
        ctx,
        parents.map((p) => (p as { id: string }).id),
      ),
  },
});
const parseExpandable = (req: FastifyRequest, expand: Record<string, Expander>): ODataQuery =>
  parseODataQuery(req.query as Record<string, unknown>, applicationsResource, {
    ...odataOptions(req),
    expandable: expandableOf(expand) ?? {},
  });

/**
 * `@odata.type` first, then the selected properties (Graph keeps the type on every application)
 * and the expanded relationships.
 */
const typed = (o: object, q: ODataQuery) => {
  const expanded = Object.fromEntries((q.expand ?? []).map((e) => [e.property, (o as Record<string, unknown>)[e.property]]));
  return { '@odata.type': TYPE, ...selectFields(o, q), ...expanded };
};

/**
 * App registrations: Graph's application resource (`/applications`, also addressed as
 * `/applications(appId='…')`), its client secrets and owners, shared with its service principal.
 */
export async function appRegistrationsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  applicationRoutes(app);
  credentialAndOwnerRoutes(app);
}

function applicationRoutes(app: GraphApp): void {
  const { appRegistrations } = app.portico.services;
  const expand = expansions(app);
  // GET /applications and GET /applications/$count.
  registerCollection(app, {
    path: '/applications',
    tags,
    summary: 'List app registrations (application objects)',
    spec: () => applicationsResource,
    fragment: () => 'applications',
    list: (req, q) => appRegistrations.listApplications(req.ctx, q),
    expand,
    send: (req, reply, page, q, fragment) =>
      sendCollection(req, reply, fragment, { ...page, items: page.items.map((a) => typed(a, q)) }, { ...q, select: undefined }),
  });

  app.post(
    '/applications',
    {
      schema: {
        tags,
        summary: 'Register an application (creates its service principal too: the pair is one enterprise application)',
        body: createApplicationBody,
      },
    },
    async (req, reply) => {
      const created = await appRegistrations.createApplication(req.ctx, req.body);
      return sendEntity(req, reply, 'applications/$entity', { '@odata.type': TYPE, ...created }, undefined, 201);
    },
  );

  app.get(
    '/applications/:id',
    { schema: { tags, summary: "Get an app registration by object id or (appId='{appId}')", params: idParam } },
    async (req, reply) => {
      const q = parseExpandable(req, expand);
      const [found] = await attachExpansions(req, [await appRegistrations.getApplication(req.ctx, req.params.id)], q, expand);
      return sendEntity(req, reply, 'applications/$entity', typed(found as object, q));
    },
  );

  updateAndDeleteRoutes(app, {
    collection: 'applications',
    body: updateApplicationBody,
    summaries: { update: 'Update an app registration', delete: 'Delete an app registration and its service principal' },
    update: (ctx, key, body) => appRegistrations.updateApplication(ctx, key, body),
    delete: (ctx, key) => appRegistrations.deleteApplication(ctx, key),
  });
}

function credentialAndOwnerRoutes(app: GraphApp): void {
  secretsAndOwnersRoutes(app, {
    collection: 'applications',
    service: app.portico.services.appRegistrations,
    summaries: {
      addPassword: "Add a client secret (the service principal's secrets; secretText is returned once)",
      listOwners: 'List the owners of an app registration (those of its service principal)',
      addOwner: 'Add an owner (a user) to an app registration',
      removeOwner: 'Remove an owner from an app registration',
    },
  });
}
