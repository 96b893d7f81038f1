import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { odataRef } from '../../../contracts/common.js';
import { createUserBody, objectKey, updateUserBody } from '../../../contracts/users.js';
import {
  attachExpansions,
  type CastType,
  type CollectionPage,
  type Expander,
  expandableOf,
  registerCollection,
  sendDirectoryObjects,
} from '../../http/collections.js';
import { requireIfMatch, withETag, withETagsOnPage } from '../../http/etag.js';
import { type GraphApp, meId, odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { type ODataQuery, parseODataQuery } from '../../odata/query.js';
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
  const parseEntity = (req: FastifyRequest) =>
    parseODataQuery(req.query as Record<string, unknown>, usersResource, {
      ...odataOptions(req),
      expandable: expandableOf(expand) ?? {},
    });
  const sendUser = async (req: FastifyRequest, reply: FastifyReply, key: string) => {
    const q = parseEntity(req);
    const [user] = await attachExpansions(req, [await withETag(reply, await users.getUser(req.ctx, key))], q, expand);
    return sendEntity(req, reply, 'users/$entity', user as object, q);
  };

  registerCollection(app, {
    path: '/users',
    tags: ['users'],
    summary: 'List users',
    spec: () => usersResource,
    fragment: () => 'users',
    list: async (req, q) => withETagsOnPage(await users.listUsers(req.ctx, q)),
    expand,
  });

  app.post('/users', { schema: { tags: ['users'], summary: 'Create user', body: createUserBody } }, async (req, reply) => {
    const user = await directory.createUser(req.ctx, req.body);
    return sendEntity(req, reply, 'users/$entity', user, undefined, 201);
  });

  app.get('/me', { schema: { tags: ['users'], summary: 'Get the signed-in user' } }, async (req, reply) =>
    sendUser(req, reply, meId(req)),
  );

  app.get(
    '/users/:id',
    { schema: { tags: ['users'], summary: 'Get user by id or userPrincipalName', params: idParam } },
    async (req, reply) => sendUser(req, reply, req.params.id),
  );

  app.patch(
    '/users/:id',
    { schema: { tags: ['users'], summary: 'Update user', params: idParam, body: updateUserBody } },
    async (req, reply) => {
      await requireIfMatch(req, () => users.getUser(req.ctx, req.params.id));
      await directory.updateUser(req.ctx, req.params.id, req.body);
      return reply.status(204).send();
    },
  );

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

  app.delete('/users/:id', { schema: { tags: ['users'], summary: 'Delete user', params: idParam } }, async (req, reply) => {
    await requireIfMatch(req, () => users.getUser(req.ctx, req.params.id));
    await directory.deleteUser(req.ctx, req.params.id);
    return reply.status(204).send();
  });

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
    async (req, reply) => {
      await managers.setManager(req.ctx, req.params.id, req.body['@odata.id']);
      return reply.status(204).send();
    },
  );
  app.delete(
    '/users/:id/manager/$ref',
    { schema: { tags: ['users'], summary: "Remove a user's manager", params: idParam } },
    async (req, reply) => {
      await managers.removeManager(req.ctx, req.params.id);
      return reply.status(204).send();
    },
  );
  const common = {
    tags: ['users'],
    casts: ['user'] as const,
    spec: () => usersResource,
    fragment: (cast: CastType | undefined) => (cast === 'user' ? 'users' : 'directoryObjects'),
    send: (req: FastifyRequest, reply: FastifyReply, page: CollectionPage, q: ODataQuery, fragment: string) =>
      fragment === 'users'
        ? sendCollection(req, reply, fragment, page, q)
        : sendDirectoryObjects(req, reply, { ...page, items: page.items.map(asDirectoryObject) }, q),
  };
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
