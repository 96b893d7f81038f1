import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createUserBody, objectKey, updateUserBody } from '../../../contracts/users.js';
import { attachExpansions, type Expander, expandableOf, registerCollection } from '../../http/collections.js';
import { meId, odataOptions, sendEntity } from '../../http/graph.js';
import { parseODataQuery } from '../../odata/query.js';
import { usersResource } from './users.query.js';

const idParam = z.object({ id: objectKey });

export async function usersRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { users, directory, groupMembers, appRoleAssignments } = app.portico.services;
  // `$expand` on users: the groups they are direct members of, their app role assignments.
  const expand: Record<string, Expander> = {
    memberOf: groupMembers.expansions.memberOf,
    appRoleAssignments: appRoleAssignments.assignmentsExpansion,
  };
  const parseEntity = (req: FastifyRequest) =>
    parseODataQuery(req.query as Record<string, unknown>, usersResource, {
      ...odataOptions(req),
      expandable: expandableOf(expand) ?? {},
    });
  const sendUser = async (req: FastifyRequest, reply: FastifyReply, key: string) => {
    const q = parseEntity(req);
    const [user] = await attachExpansions(req, [await users.getUser(req.ctx, key)], q, expand);
    return sendEntity(req, reply, 'users/$entity', user as object, q);
  };

  registerCollection(app, {
    path: '/users',
    tags: ['users'],
    summary: 'List users',
    spec: () => usersResource,
    fragment: () => 'users',
    list: (req, q) => users.listUsers(req.ctx, q),
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
    await directory.deleteUser(req.ctx, req.params.id);
    return reply.status(204).send();
  });
}
