import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createRoleAssignmentBody, type UnifiedRoleAssignment } from '../../../contracts/roles.js';
import { odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { parseODataQuery } from '../../odata/query.js';
import { roleAssignmentsResource, roleDefinitionsResource } from './roles.query.js';
import type { RoleAssignment } from './roles.service.js';

const idParam = z.object({ id: z.string().min(1).max(256) });
const BASE = '/roleManagement/directory';
const CTX = 'roleManagement/directory';

const toWire = (a: RoleAssignment): UnifiedRoleAssignment => ({
  id: a.id,
  principalId: a.principalId,
  roleDefinitionId: a.roleDefinitionId,
  directoryScopeId: a.directoryScopeId,
  appScopeId: null,
  condition: null,
});

/** Directory roles: built-in role definitions and their directory-wide assignments. */
export async function rolesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { roles } = app.portico.services;

  app.get(
    `${BASE}/roleDefinitions`,
    { schema: { tags: ['roles'], summary: 'List directory role definitions' } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, roleDefinitionsResource, odataOptions(req));
      return sendCollection(req, reply, `${CTX}/roleDefinitions`, await roles.listRoleDefinitions(req.ctx, q), q);
    },
  );

  app.get(
    `${BASE}/roleDefinitions/:id`,
    { schema: { tags: ['roles'], summary: 'Get a directory role definition', params: idParam } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, roleDefinitionsResource, { allowCount: false });
      return sendEntity(req, reply, `${CTX}/roleDefinitions/$entity`, await roles.getRoleDefinition(req.ctx, req.params.id), q);
    },
  );

  app.get(
    `${BASE}/roleAssignments`,
    { schema: { tags: ['roles'], summary: 'List directory role assignments' } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, roleAssignmentsResource, odataOptions(req));
      const page = await roles.listRoleAssignments(req.ctx, q);
      return sendCollection(req, reply, `${CTX}/roleAssignments`, { ...page, items: page.items.map(toWire) }, q);
    },
  );

  app.get(
    `${BASE}/roleAssignments/:id`,
    { schema: { tags: ['roles'], summary: 'Get a directory role assignment', params: idParam } },
    async (req, reply) => {
      const q = parseODataQuery(req.query as Record<string, unknown>, roleAssignmentsResource, { allowCount: false });
      return sendEntity(
        req,
        reply,
        `${CTX}/roleAssignments/$entity`,
        toWire(await roles.getRoleAssignment(req.ctx, req.params.id)),
        q,
      );
    },
  );

  app.post(
    `${BASE}/roleAssignments`,
    { schema: { tags: ['roles'], summary: 'Assign a directory role (scope "/")', body: createRoleAssignmentBody } },
    async (req, reply) => {
      const { principalId, roleDefinitionId, directoryScopeId } = req.body;
      const a = await app.portico.services.directory.assignRole(req.ctx, {
        principalId,
        roleDefinitionId,
        ...(directoryScopeId === undefined ? {} : { directoryScopeId }),
      });
      return sendEntity(req, reply, `${CTX}/roleAssignments/$entity`, toWire(a), undefined, 201);
    },
  );

  app.delete(
    `${BASE}/roleAssignments/:id`,
    { schema: { tags: ['roles'], summary: 'Remove a directory role assignment', params: idParam } },
    async (req, reply) => {
      await app.portico.services.directory.removeRoleAssignment(req.ctx, req.params.id);
      return reply.status(204).send();
    },
  );
}
