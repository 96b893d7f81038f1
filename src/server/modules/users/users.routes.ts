import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { odataRef } from '../../../contracts/common.js';
import { createUserBody, objectKey, updateUserBody } from '../../../contracts/users.js';
import { type Expander, oneTypeCollection, registerCollection } from '../../http/collections.js';
import { registerTaggedEntity } from '../../http/entity-routes.js';
import { type GraphApp, meId, noContent, odataOptions, sendEntity } from '../../http/graph.js';
import { parseODataQuery } from '../../odata/query.js';
import { usersResource } from './users.query.js';

const idParam = z.object({ id: objectKey });

export async function usersRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { users, directory, groupMembers, appRoleAssignments, managers } = app.portico.services;
  // `$expand` on users: the groups they are direct members of, their app role assignments, their manager.
  const expand: Record<string, Expander> = {
    memberOf: groupMembers.expansions.memberOf,
    appRoleAssignments: appRoleAssignments.assignmentsExpansion,
    manager: { spec: usersResource, single: true, load: (ctx, parents) => managers.managersOf(ctx, parents as { id: string }[]) },
  };
  registerTaggedEntity(app, {
    noun: 'user',
    resource: usersResource,
    params: idParam,
    expand,
    summaries: { get: 'Get user by id or userPrincipalName', me: 'Get the signed-in user' },
    bodies: { create: createUserBody, update: updateUserBody },
    use: {
      list: users.listUsers,
      create: directory.createUser,
      load: users.getUser,
      update: directory.updateUser,
      remove: directory.deleteUser,
    },
  });

  // Graph answers these actions with an Edm.Boolean.
  app.post(
    '/users/:id/revokeSignInSessions',
    { schema: { tags: ['users'], summary: "Revoke a user's refresh tokens and browser sessions", params: idParam } },
    async (req, reply) => {
      await users.revokeSignInSessions(req.ctx, req.params.id);
      return sendEntity(req, reply, 'Edm.Boolean', { value: true });
    },
  );

  app.post(
    '/me/revokeSignInSessions',
    { schema: { tags: ['users'], summary: 'Sign the signed-in user out everywhere (refresh tokens, browser sessions)' } },
    async (req, reply) => {
      await users.revokeSignInSessions(req.ctx, meId(req));
      return sendEntity(req, reply, 'Edm.Boolean', { value: true });
    },
  );

  managerRoutes(app);
}

/** A user object in a directoryObject position (`manager`, `directReports`): with its `@odata.type`. */
const asDirectoryObject = (u: object) => ({ '@odata.type': '#microsoft.graph.user', ...u });

/** `manager` (GET, PUT/DELETE `$ref`) and `directReports`, for /users/{id} and /me. */
function managerRoutes(app: GraphApp): void {
  const { managers } = app.portico.services;
  const sendManager = async (req: FastifyRequest, reply: FastifyReply, key: string) => {
    const q = parseODataQuery(req.query as Record<string, unknown>, usersResource, odataOptions(req));
    const manager = await managers.getManager(req.ctx, key);
    return sendEntity(req, reply, 'directoryObjects/$entity', asDirectoryObject(manager), q);
  };
  app.get('/users/:id/manager', { schema: { tags: ['users'], summary: "Get a user's manager", params: idParam } }, (req, reply) =>
    sendManager(req, reply, req.params.id),
  );
  app.get('/me/manager', { schema: { tags: ['users'], summary: "Get the signed-in user's manager" } }, (req, reply) =>
    sendManager(req, reply, meId(req)),
  );
  app.put(
    '/users/:id/manager/$ref',
    { schema: { tags: ['users'], summary: "Assign a user's manager", params: idParam, body: odataRef } },
    async (req, reply) => noContent(reply, managers.setManager(req.ctx, req.params.id, req.body['@odata.id'])),
  );
  app.delete(
    '/users/:id/manager/$ref',
    { schema: { tags: ['users'], summary: "Remove a user's manager", params: idParam } },
    async (req, reply) => noContent(reply, managers.removeManager(req.ctx, req.params.id)),
  );
  const common = { tags: ['users'], ...oneTypeCollection('user', usersResource, asDirectoryObject) };
  registerCollection(app, {
    ...common,
    path: '/users/:id/directReports',
    summary: "List a user's direct reports",
    params: idParam,
    list: (req, q) => managers.listDirectReports(req.ctx, req.params.id, q),
  });
  registerCollection(app, {
    ...common,
    path: '/me/directReports',
    summary: "List the signed-in user's direct reports",
    list: (req, q) => managers.listDirectReports(req.ctx, meId(req), q),
  });
}
