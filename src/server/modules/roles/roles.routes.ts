import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createRoleAssignmentBody, type UnifiedRoleAssignment } from '../../../contracts/roles.js';
import type { OperationContext } from '../../domain/context.js';
import { getCollection, getEntityById, idParam, sendEntity } from '../../http/graph.js';
import type { ODataQuery, ResourceSpec } from '../../odata/query.js';
import { roleAssignmentsResource, roleDefinitionsResource } from './roles.query.js';
import type { RoleAssignment } from './roles.service.js';

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

  const tags = ['roles'];
  // Each collection: GET (with $count and ConsistencyLevel) and GET by id.
  const collections: {
    name: string;
    noun: string;
    spec: ResourceSpec;
    list: (ctx: OperationContext, q: ODataQuery) => Promise<{ items: object[]; skiptoken?: string; count?: number }>;
    get: (ctx: OperationContext, id: string) => Promise<object>;
  }[] = [
    {
      name: 'roleDefinitions',
      noun: 'role definition',
      spec: roleDefinitionsResource,
      list: roles.listRoleDefinitions,
      get: roles.getRoleDefinition,
    },
    {
      name: 'roleAssignments',
      noun: 'role assignment',
      spec: roleAssignmentsResource,
      list: async (ctx, q) => {
        const page = await roles.listRoleAssignments(ctx, q);
        return { ...page, items: page.items.map(toWire) };
      },
      get: async (ctx, id) => toWire(await roles.getRoleAssignment(ctx, id)),
    },
  ];
  for (const c of collections) {
    getCollection(app, `${BASE}/${c.name}`, { tags, summary: `List directory ${c.noun}s` }, c.spec, c.list, {
      consistency: true,
    });
    getEntityById(app, `${BASE}/${c.name}`, { tags, summary: `Get a directory ${c.noun}` }, c.spec, c.get);
  }

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
