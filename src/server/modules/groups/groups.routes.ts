import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idFromODataRef, odataRef } from '../../../contracts/common.js';
import { createGroupBody, updateGroupBody } from '../../../contracts/groups.js';
import { objectKey } from '../../../contracts/users.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError } from '../../domain/errors.js';
import { type Expander, oneTypeCollection, registerCollection, sendDirectoryObjects } from '../../http/collections.js';
import { registerTaggedEntity } from '../../http/entity-routes.js';
import { meId, noContent, odataContext, odataOptions, sendCollection, sendEntity } from '../../http/graph.js';
import { type ODataQuery, parseODataQuery } from '../../odata/query.js';
import { usersResource } from '../users/users.query.js';
import type { Relationship, UserRelationship } from './group-members.service.js';
import { directoryObjectsResource, groupsResource } from './groups.query.js';

const key = z.string().min(1).max(256);
const idParam = z.object({ id: key });
/** A user by id or user principal name. */
const userParam = z.object({ id: objectKey });
const memberParams = z.object({ id: key, memberId: key });
const ownerParams = z.object({ id: key, ownerId: key });

export async function groupsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { groups, groupMembers, directory, appRoleAssignments } = app.portico.services;
  // `$expand` on groups: members and owners (≤ 20 each), the groups they belong to, their app role assignments.
  const expand: Record<string, Expander> = {
    ...groupMembers.expansions,
    appRoleAssignments: appRoleAssignments.assignmentsExpansion,
  };

  registerTaggedEntity(app, {
    noun: 'group',
    resource: groupsResource,
    params: idParam,
    expand,
    summaries: { update: 'Update group (properties, members@odata.bind, owners@odata.bind)' },
    bodies: { create: createGroupBody, update: updateGroupBody },
    use: {
      list: groups.listGroups,
      create: groups.createGroup,
      load: groups.getGroup,
      update: groups.updateGroup,
      remove: directory.deleteGroup,
    },
  });

  const relationships: [Relationship, string][] = [
    ['members', 'List direct members of a group'],
    ['transitiveMembers', 'List members of a group, including members of nested groups'],
    ['owners', 'List owners of a group'],
  ];
  for (const [rel, summary] of relationships) {
    registerCollection(app, {
      path: `/groups/:id/${rel}`,
      tags: ['groups'],
      summary,
      params: idParam,
      casts: rel === 'owners' ? ['user'] : ['user', 'group'],
      spec: (cast) => (cast === 'user' ? usersResource : cast === 'group' ? groupsResource : directoryObjectsResource),
      fragment: (cast) => (cast === 'user' ? 'users' : cast === 'group' ? 'groups' : 'directoryObjects'),
      list: (req, q, cast) =>
        cast === 'user' || cast === 'group'
          ? groupMembers.listRelationshipOfType(req.ctx, req.params.id, rel, q, cast)
          : groupMembers.listRelationship(req.ctx, req.params.id, rel, q),
      send: (req, reply, page, q, fragment) =>
        fragment === 'directoryObjects'
          ? sendDirectoryObjects(req, reply, page, q)
          : sendCollection(req, reply, fragment, page, q),
    });
  }

  // `POST …/{rel}/$ref` adds a member or an owner; `DELETE …/{rel}/{id}/$ref` removes one.
  const refs = [
    { rel: 'members', noun: 'a member', params: memberParams },
    { rel: 'owners', noun: 'an owner', params: ownerParams },
  ] as const;
  for (const { rel, noun, params } of refs) {
    app.post(
      `/groups/:id/${rel}/$ref`,
      { schema: { tags: ['groups'], summary: `Add ${noun} to a group`, params: idParam, body: odataRef } },
      async (req, reply) => {
        const add = rel === 'members' ? groupMembers.addMember : groupMembers.addOwner;
        return noContent(reply, add(req.ctx, req.params.id, req.body['@odata.id']));
      },
    );
    app.delete(
      `/groups/:id/${rel}/:${rel === 'members' ? 'memberId' : 'ownerId'}/$ref`,
      { schema: { tags: ['groups'], summary: `Remove ${noun} from a group`, params } },
      async (req, reply) => {
        const p = req.params as { id: string; memberId?: string; ownerId?: string };
        const remove = rel === 'members' ? groupMembers.removeMember : groupMembers.removeOwner;
        return noContent(reply, remove(req.ctx, p.id, (p.memberId ?? p.ownerId) as string));
      },
    );
  }

  // User relationships read the group tables, so they live here rather than in the users module.
  const userRelationships: [UserRelationship, string][] = [
    ['memberOf', 'Groups the user is a direct member of'],
    ['transitiveMemberOf', 'Groups the user is a member of, directly or through nested groups'],
    ['ownedObjects', 'Directory objects the user owns'],
  ];
  for (const [rel, summary] of userRelationships) {
    const common = { tags: ['users'], ...oneTypeCollection('group', groupsResource) };
    // Every member of these collections is a group, so the cast to microsoft.graph.group only drops `@odata.type`.
    registerCollection(app, {
      ...common,
      path: `/users/:id/${rel}`,
      summary,
      params: userParam,
      list: (req, q) => groupMembers.listUserRelationship(req.ctx, req.params.id, rel, q),
    });
    registerCollection(app, {
      ...common,
      path: `/me/${rel}`,
      summary: `${summary} (signed-in user)`,
      list: (req, q) => groupMembers.listUserRelationship(req.ctx, meId(req), rel, q),
    });
  }
}

const getByIdsBody = z
  .object({
    ids: z.array(z.string().min(1).max(256)).min(1).max(1000, 'at most 1000 ids'),
    types: z.array(z.string().min(1).max(128)).max(10).optional(),
  })
  .strict();
const checkMemberGroupsBody = z.object({ groupIds: z.array(z.string().min(1).max(256)).max(20, 'at most 20 ids') }).strict();
const checkMemberObjectsBody = z.object({ ids: z.array(z.string().min(1).max(256)).max(20, 'at most 20 ids') }).strict();
const getMemberGroupsBody = z.object({ securityEnabledOnly: z.boolean().optional() }).strict();

/** Users, groups, service principals and application objects with these ids, in the order asked. */
async function objectsByIds(app: FastifyInstance, ctx: OperationContext, ids: readonly string[], types?: readonly string[]) {
  const found = [
    ...(await app.portico.services.directory.getByIds(ctx, ids, types)),
    ...(await app.portico.services.appRegistrations.getByIds(ctx, ids, types)),
  ];
  const byId = new Map(found.map((o) => [o.id.toLowerCase(), o]));
  return ids.map((i) => byId.get(i.toLowerCase())).filter((o) => o !== undefined);
}

/**
 * directoryObjects: GET by id, getByIds, and the membership actions Graph offers on users, groups,
 * directoryObjects and /me (checkMemberGroups, getMemberGroups, checkMemberObjects, getMemberObjects).
 * Portico's directory objects that can belong to groups are users and groups.
 */
export async function directoryObjectsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { groupMembers } = app.portico.services;
  const tags = ['directoryObjects'];

  app.get(
    '/directoryObjects/:id',
    { schema: { tags, summary: 'Get a directory object (user, group, service principal or application)', params: idParam } },
    async (req, reply) => {
      const id = req.params.id;
      const o = await groupMembers.getDirectoryObject(req.ctx, id).catch(async (err: unknown) => {
        // Not a user or group: a service principal or an application object, or really nothing.
        if (!(err instanceof DomainError) || err.code !== 'resource_not_found') throw err;
        const [other] = await objectsByIds(app, req.ctx, [id], ['servicePrincipal', 'application']);
        if (!other) throw err;
        return other;
      });
      return sendEntity(req, reply, 'directoryObjects/$entity', o);
    },
  );

  app.post(
    '/directoryObjects/getByIds',
    {
      schema: {
        tags,
        summary: 'Get directory objects (users, groups, service principals, applications) by their ids, in that order',
        body: getByIdsBody,
      },
    },
    async (req, reply) => {
      const items = await objectsByIds(app, req.ctx, req.body.ids, req.body.types);
      return sendCollection(req, reply, 'directoryObjects', { items }, { select: undefined } as ODataQuery);
    },
  );

  const param = (req: FastifyRequest) => (req.params as { id?: string }).id ?? '';
  const targets: [string, (req: FastifyRequest) => string][] = [
    ['/users/:id', param],
    ['/groups/:id', param],
    ['/directoryObjects/:id', param],
    ['/me', (req) => meId(req)],
  ];
  for (const [prefix, keyOf] of targets) {
    const params = prefix === '/me' ? {} : { params: userParam };
    const ids = (req: FastifyRequest, value: string[]) => ({
      '@odata.context': odataContext(req, 'Collection(Edm.String)'),
      value,
    });
    // Which of the given ids (groups: the only objects anything here is a member of) the object belongs to.
    const checks = [
      [
        'checkMemberGroups',
        'Which of the given groups the object is a member of (directly or transitively)',
        checkMemberGroupsBody,
      ],
      [
        'checkMemberObjects',
        'Which of the given groups the object is a member of (groups are the only such objects here)',
        checkMemberObjectsBody,
      ],
    ] as const;
    for (const [action, summary, body] of checks) {
      app.post(`${prefix}/${action}`, { schema: { tags, summary, ...params, body } }, async (req, reply) => {
        const all = new Set(await groupMembers.memberGroupIds(req.ctx, keyOf(req), false));
        const asked = 'groupIds' in req.body ? req.body.groupIds : req.body.ids;
        return reply.send(
          ids(
            req,
            asked.filter((g) => all.has(g.toLowerCase())),
          ),
        );
      });
    }
    for (const action of ['getMemberGroups', 'getMemberObjects']) {
      app.post(
        `${prefix}/${action}`,
        {
          schema: {
            tags,
            summary: 'Ids of every group the object is a member of (directly or transitively)',
            ...params,
            body: getMemberGroupsBody,
          },
        },
        async (req, reply) =>
          reply.send(ids(req, await groupMembers.memberGroupIds(req.ctx, keyOf(req), req.body.securityEnabledOnly === true))),
      );
    }
  }

  // `$ref` collections: the references (`@odata.id`) of members and owners, and removal by `$id`.
  for (const rel of ['members', 'owners'] as const) {
    app.get(
      `/groups/:id/${rel}/$ref`,
      { schema: { tags: ['groups'], summary: `List references to the ${rel} of a group`, params: idParam } },
      async (req, reply) => {
        const q = parseODataQuery(req.query as Record<string, unknown>, directoryObjectsResource, odataOptions(req));
        const page = await groupMembers.listRelationship(req.ctx, req.params.id, rel, q);
        const base = `${app.portico.config.publicUrl}/v1.0/directoryObjects/`;
        const items = page.items.map((o) => ({ '@odata.id': `${base}${o.id}` }));
        return sendCollection(req, reply, 'Collection($ref)', { ...page, items }, { ...q, select: undefined });
      },
    );
    app.delete(
      `/groups/:id/${rel}/$ref`,
      {
        schema: {
          tags: ['groups'],
          summary: `Remove one of the ${rel} of a group ($id=<its URL>)`,
          params: idParam,
        },
      },
      async (req, reply) => {
        // Not a querystring schema: `$id` is a JSON Schema keyword, which the OpenAPI generator cannot take as a name.
        const raw = (req.query as Record<string, unknown>).$id;
        const target = typeof raw === 'string' && raw.length <= 2048 ? idFromODataRef(raw) : undefined;
        if (target === undefined) {
          throw new DomainError(
            'object_reference_invalid',
            `Invalid $id '${String(raw ?? '')}': expected a URL ending in /directoryObjects/{id}.`,
            {
              target: '$id',
            },
          );
        }
        const remove = rel === 'members' ? groupMembers.removeMember : groupMembers.removeOwner;
        return noContent(reply, remove(req.ctx, req.params.id, target));
      },
    );
  }
}
