import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  appRoleAssignmentBody,
  createServicePrincipalBody,
  instantiateTemplateBody,
  updateServicePrincipalBody,
} from '../../../contracts/applications.js';
import { createSelfServiceGroupBody } from '../../../contracts/requests.js';
import { objectKey } from '../../../contracts/users.js';
import { type GraphApp, meId, odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { type ODataQuery, parseODataQuery, type ResourceSpec } from '../../odata/query.js';
import { secretsAndOwnersRoutes, updateAndDeleteRoutes } from './application-object.routes.js';
import { applicationTemplatesResource, appRoleAssignmentsResource, servicePrincipalsResource } from './applications.query.js';

const key = z.string().min(1).max(256);
const idParam = z.object({ id: key });
/** A user (by id or user principal name) or a group. */
const principalParam = z.object({ id: objectKey });
const assignmentParams = z.object({ id: key, assignmentId: key });

const parse = (req: FastifyRequest, spec: ResourceSpec): ODataQuery =>
  parseODataQuery(req.query as Record<string, unknown>, spec, odataOptions(req));

const APP_ID_ADDRESS = /^(\/v1\.0\/(?:servicePrincipals|applications))(\(appId=(?:'|%27)[^/?]*?(?:'|%27)\))(.*)$/;

/**
 * Graph's alternate key `/servicePrincipals(appId='{appId}')/…` becomes the path segment
 * `/servicePrincipals/(appId='{appId}')/…`, so every `/servicePrincipals/:id` route serves both
 * forms (likewise `/applications(appId='…')`). Used as Fastify's `rewriteUrl` (routing happens
 * before any hook could do it).
 */
export function rewriteAppIdAddressing(url: string): string {
  const m = APP_ID_ADDRESS.exec(url);
  return m ? `${m[1]}/${m[2]}${m[3]}` : url;
}

const SP = 'servicePrincipals' as const;

const tags = ['applications'];

/** Enterprise applications (service principals): Graph's servicePrincipal resource, its credentials, owners and assignments, and the gallery. */
export async function applicationsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  servicePrincipalRoutes(app);
  credentialAndOwnerRoutes(app);
  assignmentRoutes(app);
  galleryRoutes(app);
}

function servicePrincipalRoutes(app: GraphApp): void {
  const { applications } = app.portico.services;
  app.get(
    '/servicePrincipals',
    { schema: { tags, summary: 'List enterprise applications (service principals)' } },
    async (req, reply) => {
      const q = parse(req, servicePrincipalsResource);
      return sendCollection(req, reply, SP, await applications.listServicePrincipals(req.ctx, q), q);
    },
  );

  app.post(
    '/servicePrincipals',
    {
      schema: {
        tags,
        summary: 'Create an enterprise application (custom OIDC or SAML, or from a gallery template with applicationTemplateId)',
        body: createServicePrincipalBody,
      },
    },
    async (req, reply) => {
      const sp = await applications.createServicePrincipal(req.ctx, req.body);
      return sendEntity(req, reply, `${SP}/$entity`, sp, undefined, 201);
    },
  );

  app.get(
    '/servicePrincipals/:id',
    { schema: { tags, summary: "Get an enterprise application by id or (appId='{appId}')", params: idParam } },
    async (req, reply) => {
      const q = parse(req, servicePrincipalsResource);
      return sendEntity(req, reply, `${SP}/$entity`, await applications.getServicePrincipal(req.ctx, req.params.id), q);
    },
  );

  updateAndDeleteRoutes(app, {
    collection: SP,
    body: updateServicePrincipalBody,
    summaries: { update: 'Update an enterprise application', delete: 'Delete an enterprise application' },
    update: (ctx, key, body) => applications.updateServicePrincipal(ctx, key, body),
    delete: (ctx, key) => applications.deleteServicePrincipal(ctx, key),
  });

  app.post(
    '/servicePrincipals/:id/selfServiceGroup',
    {
      schema: {
        tags,
        summary:
          "Create the application's self-service group (an Assigned security group owned by its approvers) and assign it (Portico extension)",
        params: idParam,
        body: createSelfServiceGroupBody,
      },
    },
    async (req, reply) => {
      const group = await app.portico.services.directory.createSelfServiceGroup(req.ctx, req.params.id, req.body);
      return sendEntity(req, reply, 'groups/$entity', group, undefined, 201);
    },
  );
}

function credentialAndOwnerRoutes(app: GraphApp): void {
  secretsAndOwnersRoutes(app, {
    collection: SP,
    service: app.portico.services.applicationCredentials,
    summaries: {
      addPassword: 'Add a client secret (secretText is returned once; only its hash is stored)',
      listOwners: 'List the owners of an enterprise application',
      addOwner: 'Add an owner (a user) to an enterprise application',
      removeOwner: 'Remove an owner from an enterprise application',
    },
  });
}

function assignmentRoutes(app: GraphApp): void {
  const { appRoleAssignments } = app.portico.services;
  app.get(
    '/servicePrincipals/:id/appRoleAssignedTo',
    { schema: { tags, summary: 'List the users and groups assigned to an enterprise application', params: idParam } },
    async (req, reply) => {
      const q = parse(req, appRoleAssignmentsResource);
      const page = await appRoleAssignments.listAppRoleAssignedTo(req.ctx, req.params.id, q);
      return sendCollection(req, reply, `${SP}('${req.params.id}')/appRoleAssignedTo`, page, q);
    },
  );

  app.post(
    '/servicePrincipals/:id/appRoleAssignedTo',
    {
      schema: {
        tags,
        summary: 'Assign a user or group to an enterprise application',
        params: idParam,
        body: appRoleAssignmentBody,
      },
    },
    async (req, reply) => {
      const a = await appRoleAssignments.assignToServicePrincipal(req.ctx, req.params.id, req.body);
      return sendEntity(req, reply, `${SP}('${a.resourceId}')/appRoleAssignedTo/$entity`, a, undefined, 201);
    },
  );

  app.delete(
    '/servicePrincipals/:id/appRoleAssignedTo/:assignmentId',
    { schema: { tags, summary: 'Remove an app role assignment', params: assignmentParams } },
    async (req, reply) => {
      await appRoleAssignments.removeAssignment(req.ctx, req.params.id, req.params.assignmentId);
      return reply.status(204).send();
    },
  );

  // A user's or a group's own assignments (Graph: /users/{id}/appRoleAssignments, /groups/{id}/appRoleAssignments).
  const principals = [
    { segment: 'users', kind: 'user', list: appRoleAssignments.listUserAssignments, assign: appRoleAssignments.assignToUser },
    { segment: 'groups', kind: 'group', list: appRoleAssignments.listGroupAssignments, assign: appRoleAssignments.assignToGroup },
    // An application's own app roles on other applications: its application permissions on Microsoft Graph.
    {
      segment: 'servicePrincipals',
      kind: 'service principal',
      list: appRoleAssignments.listServicePrincipalAssignments,
      assign: appRoleAssignments.grantAppRole,
    },
  ] as const;
  for (const p of principals) {
    app.get(
      `/${p.segment}/:id/appRoleAssignments`,
      { schema: { tags: [p.segment], summary: `List the app role assignments of a ${p.kind}`, params: principalParam } },
      async (req, reply) => {
        const q = parse(req, appRoleAssignmentsResource);
        const page = await p.list.call(appRoleAssignments, req.ctx, req.params.id, q);
        return sendCollection(req, reply, `${p.segment}('${req.params.id}')/appRoleAssignments`, page, q);
      },
    );
    app.post(
      `/${p.segment}/:id/appRoleAssignments`,
      {
        schema: {
          tags: [p.segment],
          summary: `Assign a ${p.kind} to an enterprise application`,
          params: principalParam,
          body: appRoleAssignmentBody,
        },
      },
      async (req, reply) => {
        const a = await p.assign.call(appRoleAssignments, req.ctx, req.params.id, req.body);
        return sendEntity(req, reply, `${p.segment}('${a.principalId}')/appRoleAssignments/$entity`, a, undefined, 201);
      },
    );
  }

  app.delete(
    '/servicePrincipals/:id/appRoleAssignments/:assignmentId',
    { schema: { tags, summary: 'Remove an app role assignment an application holds', params: assignmentParams } },
    async (req, reply) => {
      await appRoleAssignments.removeServicePrincipalAssignment(req.ctx, req.params.id, req.params.assignmentId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/me/appRoleAssignments',
    { schema: { tags: ['users'], summary: 'List the app role assignments of the signed-in user' } },
    async (req, reply) => {
      const q = parse(req, appRoleAssignmentsResource);
      const id = meId(req);
      const page = await appRoleAssignments.listUserAssignments(req.ctx, id, q);
      return sendCollection(req, reply, `users('${id}')/appRoleAssignments`, page, q);
    },
  );
}

function galleryRoutes(app: GraphApp): void {
  const { applications } = app.portico.services;
  app.get(
    '/applicationTemplates',
    { schema: { tags, summary: 'List the application gallery (templates with documented single sign-on settings)' } },
    async (req, reply) => {
      // A fixed list of a few entries: the spec has no filterable or sortable columns, so only
      // $select and $top are accepted.
      const q = parseODataQuery(req.query as Record<string, unknown>, applicationTemplatesResource, {
        ...odataOptions(req),
        allowCount: false,
      });
      const all = await applications.listTemplates(req.ctx);
      return sendCollection(req, reply, 'applicationTemplates', { items: all.slice(0, q.top) }, q);
    },
  );

  app.get(
    '/applicationTemplates/:id',
    { schema: { tags, summary: 'Get an application template', params: idParam } },
    async (req, reply) => {
      const q = parse(req, applicationTemplatesResource);
      return sendEntity(req, reply, 'applicationTemplates/$entity', await applications.getTemplate(req.ctx, req.params.id), q);
    },
  );

  app.post(
    '/applicationTemplates/:id/instantiate',
    {
      schema: {
        tags,
        summary: 'Create an enterprise application from a gallery template',
        params: idParam,
        body: instantiateTemplateBody,
      },
    },
    async (req, reply) => {
      const servicePrincipal = await applications.instantiateTemplate(req.ctx, req.params.id, req.body);
      return sendEntity(req, reply, 'microsoft.graph.applicationServicePrincipal', { servicePrincipal }, undefined, 201);
    },
  );
}
