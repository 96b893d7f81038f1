import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { odataRef } from '../../../contracts/common.js';
import { createGroupBody, type DirectoryObject, updateGroupBody } from '../../../contracts/groups.js';
import { objectKey } from '../../../contracts/users.js';
import { meId, odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { type ODataQuery, parseODataQuery, type ResourceSpec, selectFields } from '../../odata/query.js';
import type { Relationship, UserRelationship } from './group-members.service.js';
import { directoryObjectsResource, groupsResource } from './groups.query.js';

const key = z.string().min(1).max(256);
const idParam = z.object({ id: key });
/** A user by id or user principal name. */
const userParam = z.object({ id: objectKey });
const memberParams = z.object({ id: key, memberId: key });
const ownerParams = z.object({ id: key, ownerId: key });

const parse = (req: FastifyRequest, spec: ResourceSpec): ODataQuery =>
  parseODataQuery(req.query as Record<string, unknown>, spec, odataOptions(req));

/** directoryObject collections: `$select` applies to the object, `@odata.type` always stays. */
function sendObjects(
  req: FastifyRequest,
  reply: FastifyReply,
  page: { items: DirectoryObject[]; skiptoken?: string; count?: number },
  q: ODataQuery,
): FastifyReply {
  const items = page.items.map((o) => ({ '@odata.type': o['@odata.type'], ...selectFields(o, q) }));
  return sendCollection(req, reply, 'directoryObjects', { ...page, items }, { ...q, select: undefined });
}

export async function groupsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { groups, groupMembers, directory } = app.portico.services;

  app.get('/groups', { schema: { tags: ['groups'], summary: 'List groups' } }, async (req, reply) => {
    const q = parse(req, groupsResource);
    return sendCollection(req, reply, 'groups', await groups.listGroups(req.ctx, q), q);
  });

  app.post('/groups', { schema: { tags: ['groups'], summary: 'Create group', body: createGroupBody } }, async (req, reply) => {
    const group = await groups.createGroup(req.ctx, req.body);
    return sendEntity(req, reply, 'groups/$entity', group, undefined, 201);
  });

  app.get('/groups/:id', { schema: { tags: ['groups'], summary: 'Get group', params: idParam } }, async (req, reply) => {
    const q = parse(req, groupsResource);
    return sendEntity(req, reply, 'groups/$entity', await groups.getGroup(req.ctx, req.params.id), q);
  });

  app.patch(
    '/groups/:id',
    {
      schema: {
        tags: ['groups'],
        summary: 'Update group (properties, members@odata.bind, owners@odata.bind)',
        params: idParam,
        body: updateGroupBody,
      },
    },
    async (req, reply) => {
      await groups.updateGroup(req.ctx, req.params.id, req.body);
      return reply.status(204).send();
    },
  );

  app.delete('/groups/:id', { schema: { tags: ['groups'], summary: 'Delete group', params: idParam } }, async (req, reply) => {
    await directory.deleteGroup(req.ctx, req.params.id);
    return reply.status(204).send();
  });

  const relationships: [Relationship, string][] = [
    ['members', 'List direct members of a group'],
    ['transitiveMembers', 'List members of a group, including members of nested groups'],
    ['owners', 'List owners of a group'],
  ];
  for (const [rel, summary] of relationships) {
    app.get(`/groups/:id/${rel}`, { schema: { tags: ['groups'], summary, params: idParam } }, async (req, reply) => {
      const q = parse(req, directoryObjectsResource);
      return sendObjects(req, reply, await groupMembers.listRelationship(req.ctx, req.params.id, rel, q), q);
    });
  }

  app.post(
    '/groups/:id/members/$ref',
    { schema: { tags: ['groups'], summary: 'Add a member to a group', params: idParam, body: odataRef } },
    async (req, reply) => {
      await groupMembers.addMember(req.ctx, req.params.id, req.body['@odata.id']);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/groups/:id/members/:memberId/$ref',
    { schema: { tags: ['groups'], summary: 'Remove a member from a group', params: memberParams } },
    async (req, reply) => {
      await groupMembers.removeMember(req.ctx, req.params.id, req.params.memberId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/groups/:id/owners/$ref',
    { schema: { tags: ['groups'], summary: 'Add an owner to a group', params: idParam, body: odataRef } },
    async (req, reply) => {
      await groupMembers.addOwner(req.ctx, req.params.id, req.body['@odata.id']);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/groups/:id/owners/:ownerId/$ref',
    { schema: { tags: ['groups'], summary: 'Remove an owner from a group', params: ownerParams } },
    async (req, reply) => {
      await groupMembers.removeOwner(req.ctx, req.params.id, req.params.ownerId);
      return reply.status(204).send();
    },
  );

  // User relationships read the group tables, so they live here rather than in the users module.
  const userRelationships: [UserRelationship, string][] = [
    ['memberOf', 'Groups the user is a direct member of'],
    ['transitiveMemberOf', 'Groups the user is a member of, directly or through nested groups'],
    ['ownedObjects', 'Directory objects the user owns'],
  ];
  for (const [rel, summary] of userRelationships) {
    app.get(`/users/:id/${rel}`, { schema: { tags: ['users'], summary, params: userParam } }, async (req, reply) => {
      const q = parse(req, groupsResource);
      return sendObjects(req, reply, await groupMembers.listUserRelationship(req.ctx, req.params.id, rel, q), q);
    });
    app.get(`/me/${rel}`, { schema: { tags: ['users'], summary: `${summary} (signed-in user)` } }, async (req, reply) => {
      const q = parse(req, groupsResource);
      return sendObjects(req, reply, await groupMembers.listUserRelationship(req.ctx, meId(req), rel, q), q);
    });
  }
}
