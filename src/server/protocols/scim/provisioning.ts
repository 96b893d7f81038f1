import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { ifMatchHolds, type Stamp } from '../../domain/etag.js';
import { isGuid } from '../../domain/ids.js';
import type { Access } from '../../modules/access/access.js';
import type { AuditLogService } from '../../modules/audit/audit.service.js';
import type { DirectoryService } from '../../modules/directory/directory.service.js';
import type { GroupMembersService } from '../../modules/groups/group-members.service.js';
import { refuseManualMembership } from '../../modules/groups/group-rules.js';
import { directoryObjectsResource, groupsResource, provisionedGroupsResource } from '../../modules/groups/groups.query.js';
import type { GroupsService } from '../../modules/groups/groups.service.js';
import { provisionedUsersResource } from '../../modules/users/users.query.js';
import type { UsersService } from '../../modules/users/users.service.js';
import { type ODataQuery, parseODataQuery } from '../../odata/query.js';
import { groupAttributes, groupChanges, newGroup, readGroup, type ScimMember } from './groups.js';
import { applyPatch, canonical, type Json, membershipDelta, readPatchRequest } from './patch.js';
import { filterFor, type ListParams, membersOnly, project, returns, sortPropertyFor } from './query.js';
import { type ResourceKind, URN } from './schema.js';
import { newUser, readUser, userAttributes, userChanges } from './users.js';
import { versionOf } from './values.js';

/** The services the SCIM adapter calls: it states exactly what it uses. */
export interface ScimDeps {
  users: Pick<UsersService, 'listProvisionedUsers' | 'getUser' | 'externalIdsOf' | 'findUser'>;
  groups: Pick<
    GroupsService,
    'listProvisionedGroups' | 'getGroup' | 'createGroup' | 'updateGroup' | 'externalIdsOf' | 'findGroup'
  >;
  groupMembers: Pick<GroupMembersService, 'listRelationship' | 'listUserRelationship' | 'isDirectMember'>;
  directory: Pick<DirectoryService, 'createUser' | 'updateUser' | 'deleteUser' | 'deleteGroup'>;
  auditLog: Pick<AuditLogService, 'changeStampsOf'>;
  access: Pick<Access, 'allows'>;
}

/** Who calls and where the SCIM base URL of the request is (`…/scim/v2` or `…/{tenant}/scim/v2`). */
export interface ScimRequest {
  ctx: OperationContext;
  base: string;
}

/** A single-resource answer: the status, the resource and its version (ETag). */
export interface ScimResult {
  status: number;
  resource?: Json;
  version?: string;
  location?: string;
}

export type Projection = Pick<ListParams, 'attributes' | 'excludedAttributes'>;

const ALL: Projection = {};

/** Every page of a keyset-paged listing (members, memberOf), following $skiptoken. */
async function allPages<T>(
  first: ODataQuery,
  spec: Parameters<typeof parseODataQuery>[1],
  page: (q: ODataQuery) => Promise<{ items: T[]; skiptoken?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let q = first;
  for (;;) {
    const p = await page(q);
    items.push(...p.items);
    if (!p.skiptoken) return items;
    q = parseODataQuery({ $top: '999', $skiptoken: p.skiptoken }, spec);
  }
}

/** If-Match (RFC 7232 list, weak comparison as SCIM uses weak ETags): 412 when no tag matches. */
function checkVersion(ifMatch: string | undefined, version: string): void {
  if (!ifMatchHolds(ifMatch, version)) throw new DomainError('scim_version_mismatch');
}

/**
 * SCIM 2.0 resources over the users, groups and directory services: every read and write goes
 * through the same use cases as Graph (authorization, validation, audit, invariants); this class
 * only translates. Provisioned users are members: guests are not listed, and reading or writing
 * one answers 404 as for an object that does not exist.
 */
/** A resource as a SCIM result: projected, with its version and location. */
function result(kind: ResourceKind, resource: Json, status: number, p: Projection): ScimResult {
  const meta = resource.meta as Json;
  return { status, resource: project(kind, resource, p), version: meta.version as string, location: meta.location as string };
}

export class ScimProvisioning {
  constructor(private readonly deps: ScimDeps) {}

  // ------------------------------------------------------------------------------------------
  // Users

  private async userResources(r: ScimRequest, users: User[], p: Projection): Promise<Json[]> {
    const ids = users.map((u) => u.id);
    const [externalIds, stamps] = await Promise.all([
      this.deps.users.externalIdsOf(r.ctx.caller.tenantId, ids),
      this.deps.auditLog.changeStampsOf(r.ctx.caller.tenantId, ids),
    ]);
    const withGroups = returns('User', 'groups', p) && (await this.deps.access.allows(r.ctx, 'group.list'));
    const out: Json[] = [];
    for (const u of users) {
      const attrs = userAttributes(u, externalIds.get(u.id) ?? null);
      const groups = withGroups ? await this.userGroups(r, u.id) : [];
      out.push(this.envelope(r, 'User', u.id, u.createdDateTime, attrs, stamps.get(u.id), { groups }));
    }
    return out;
  }

  private async userGroups(r: ScimRequest, userId: string): Promise<Json[]> {
    const groups = await allPages(parseODataQuery({ $top: '999' }, groupsResource), groupsResource, (q) =>
      this.deps.groupMembers.listUserRelationship(r.ctx, userId, 'memberOf', q),
    );
    return groups.map((g) => ({ value: g.id, $ref: `${r.base}/Groups/${g.id}`, display: g.displayName, type: 'direct' }));
  }

  /** schemas, id, attributes, members/groups and meta, as one resource. */
  private envelope(
    r: ScimRequest,
    kind: ResourceKind,
    id: string,
    created: string,
    attrs: Json,
    stamp: Stamp | undefined,
    related: { groups?: Json[]; members?: Json[] },
  ): Json {
    const schemas = kind === 'User' ? [URN.user, ...(attrs[URN.enterprise] ? [URN.enterprise] : [])] : [URN.group];
    // Empty multi-valued attributes are left out, as unassigned ones (RFC 7643 §2.5).
    const list = kind === 'User' ? { groups: related.groups ?? [] } : { members: related.members ?? [] };
    const nonEmpty = Object.fromEntries(Object.entries(list).filter(([, v]) => v.length > 0));
    return {
      schemas,
      id,
      ...attrs,
      ...nonEmpty,
      meta: {
        resourceType: kind,
        created,
        lastModified: stamp?.lastModified ?? created,
        location: `${r.base}/${kind}s/${id}`,
        version: versionOf(attrs, stamp),
      },
    };
  }

  /** A member user by id, or 404 (guests and malformed ids included). */
  private async loadUser(r: ScimRequest, id: string): Promise<User> {
    const user = isGuid(id) ? await this.deps.users.getUser(r.ctx, id.toLowerCase()) : undefined;
    if (!user || user.userType !== 'Member') throw notFound(id);
    return user;
  }

  private async userResult(r: ScimRequest, id: string, status: number, p: Projection = ALL): Promise<ScimResult> {
    const [resource] = await this.userResources(r, [await this.loadUser(r, id)], p);
    return result('User', resource as Json, status, p);
  }

  async listUsers(r: ScimRequest, params: ListParams): Promise<Json> {
    const filter = membersOnly(params.filter === undefined ? undefined : filterFor('User', params.filter));
    const q = this.listQuery('User', params, filter, provisionedUsersResource);
    const page = await this.deps.users.listProvisionedUsers(r.ctx, q);
    return this.listResponse('User', params, page, (items) => this.userResources(r, items, params));
  }

  getUser(r: ScimRequest, id: string, p: Projection): Promise<ScimResult> {
    return this.userResult(r, id, 200, p);
  }

  async createUser(r: ScimRequest, body: unknown): Promise<ScimResult> {
    const input = readUser(canonical('User', this.resourceBody('User', body)));
    const { body: create, extra } = newUser(input);
    const user = await this.deps.directory.createUser(r.ctx, create, extra);
    return this.userResult(r, user.id, 201);
  }

  /** The current state of a user for a change, after If-Match. */
  private async userForChange(r: ScimRequest, id: string, ifMatch: string | undefined) {
    const user = await this.loadUser(r, id);
    const tenantId = r.ctx.caller.tenantId;
    const [externalIds, stamps] = await Promise.all([
      this.deps.users.externalIdsOf(tenantId, [user.id]),
      this.deps.auditLog.changeStampsOf(tenantId, [user.id]),
    ]);
    const externalId = externalIds.get(user.id) ?? null;
    const attrs = userAttributes(user, externalId);
    checkVersion(ifMatch, versionOf(attrs, stamps.get(user.id)));
    return { user, externalId, attrs };
  }

  private async saveUser(r: ScimRequest, user: User, externalId: string | null, desired: Json): Promise<ScimResult> {
    const { body, extra, changed } = userChanges(user, externalId, readUser(desired));
    if (changed) await this.deps.directory.updateUser(r.ctx, user.id, body, extra);
    return this.userResult(r, user.id, 200);
  }

  async replaceUser(r: ScimRequest, id: string, body: unknown, ifMatch?: string): Promise<ScimResult> {
    const desired = canonical('User', this.resourceBody('User', body));
    const { user, externalId } = await this.userForChange(r, id, ifMatch);
    return this.saveUser(r, user, externalId, desired);
  }

  async patchUser(r: ScimRequest, id: string, body: unknown, ifMatch?: string): Promise<ScimResult> {
    const ops = readPatchRequest(body);
    const { user, externalId, attrs } = await this.userForChange(r, id, ifMatch);
    return this.saveUser(r, user, externalId, applyPatch('User', attrs, ops));
  }

  async deleteUser(r: ScimRequest, id: string, ifMatch?: string): Promise<ScimResult> {
    const { user } = await this.userForChange(r, id, ifMatch);
    await this.deps.directory.deleteUser(r.ctx, user.id);
    return { status: 204 };
  }

  // ------------------------------------------------------------------------------------------
  // Groups

  /** Direct members SCIM shows: member users and groups (guests are left out). */
  private async visibleMembers(r: ScimRequest, groupId: string): Promise<ScimMember[]> {
    const objects = await allPages(parseODataQuery({ $top: '999' }, directoryObjectsResource), directoryObjectsResource, (q) =>
      this.deps.groupMembers.listRelationship(r.ctx, groupId, 'members', q),
    );
    return objects
      .filter((o) => o['@odata.type'] === '#microsoft.graph.group' || (o as User).userType === 'Member')
      .map((o) => ({
        value: o.id,
        type: o['@odata.type'] === '#microsoft.graph.group' ? 'Group' : 'User',
        display: o.displayName,
      }));
  }

  private memberJson = (r: ScimRequest, m: ScimMember): Json => ({ ...m, $ref: `${r.base}/${m.type}s/${m.value}` });

  private async groupResources(r: ScimRequest, groups: Group[], p: Projection): Promise<Json[]> {
    const ids = groups.map((g) => g.id);
    const [externalIds, stamps] = await Promise.all([
      this.deps.groups.externalIdsOf(r.ctx.caller.tenantId, ids),
      this.deps.auditLog.changeStampsOf(r.ctx.caller.tenantId, ids),
    ]);
    const withMembers = returns('Group', 'members', p);
    const out: Json[] = [];
    for (const g of groups) {
      const members = withMembers ? (await this.visibleMembers(r, g.id)).map((m) => this.memberJson(r, m)) : [];
      const attrs = groupAttributes(g, externalIds.get(g.id) ?? null);
      out.push(this.envelope(r, 'Group', g.id, g.createdDateTime, attrs, stamps.get(g.id), { members }));
    }
    return out;
  }

  private async loadGroup(r: ScimRequest, id: string): Promise<Group> {
    if (!isGuid(id)) throw notFound(id);
    return this.deps.groups.getGroup(r.ctx, id.toLowerCase());
  }

  private async groupResult(r: ScimRequest, id: string, status: number, p: Projection = ALL): Promise<ScimResult> {
    const [resource] = await this.groupResources(r, [await this.loadGroup(r, id)], p);
    return result('Group', resource as Json, status, p);
  }

  async listGroups(r: ScimRequest, params: ListParams): Promise<Json> {
    const filter = params.filter === undefined ? undefined : filterFor('Group', params.filter);
    const q = this.listQuery('Group', params, filter, provisionedGroupsResource);
    const page = await this.deps.groups.listProvisionedGroups(r.ctx, q);
    return this.listResponse('Group', params, page, (items) => this.groupResources(r, items, params));
  }

  getGroup(r: ScimRequest, id: string, p: Projection): Promise<ScimResult> {
    return this.groupResult(r, id, 200, p);
  }

  /** New members must be member users or groups of the tenant (guests are invited, not provisioned). */
  private async checkNewMembers(r: ScimRequest, ids: readonly string[]): Promise<void> {
    const tenantId = r.ctx.caller.tenantId;
    for (const id of ids) {
      const user = await this.deps.users.findUser(tenantId, id);
      if (user?.userType === 'Member') continue;
      if (!user && (await this.deps.groups.findGroup(tenantId, id))) continue;
      throw invalid('object_reference_invalid', `members: '${id}' is not a member user or a group of this directory.`, 'members');
    }
  }

  async createGroup(r: ScimRequest, body: unknown): Promise<ScimResult> {
    const input = readGroup(canonical('Group', this.resourceBody('Group', body)));
    const create = newGroup(input);
    await this.checkNewMembers(r, input.members);
    const group = await this.deps.groups.createGroup(r.ctx, create, {
      ...(input.externalId === null ? {} : { externalId: input.externalId }),
      addMembers: input.members,
    });
    return this.groupResult(r, group.id, 201);
  }

  private async groupForChange(r: ScimRequest, id: string, ifMatch: string | undefined, withMembers = true) {
    const group = await this.loadGroup(r, id);
    const tenantId = r.ctx.caller.tenantId;
    const [externalIds, stamps, members] = await Promise.all([
      this.deps.groups.externalIdsOf(tenantId, [group.id]),
      this.deps.auditLog.changeStampsOf(tenantId, [group.id]),
      withMembers ? this.visibleMembers(r, group.id) : [],
    ]);
    const externalId = externalIds.get(group.id) ?? null;
    const attrs = groupAttributes(group, externalId);
    checkVersion(ifMatch, versionOf(attrs, stamps.get(group.id)));
    return { group, externalId, attrs, members };
  }

  private async saveGroup(
    r: ScimRequest,
    current: { group: Group; externalId: string | null; members: ScimMember[] },
    desired: Json,
  ): Promise<ScimResult> {
    const input = readGroup(desired);
    const body = groupChanges(current.group, input);
    const before = new Set(current.members.map((m) => m.value));
    const after = new Set(input.members);
    const addMembers = input.members.filter((m) => !before.has(m));
    const removeMembers = [...before].filter((m) => !after.has(m));
    await this.checkNewMembers(r, addMembers);
    const externalIdChanged = input.externalId !== current.externalId;
    if (Object.keys(body).length > 0 || externalIdChanged || addMembers.length > 0 || removeMembers.length > 0) {
      await this.deps.groups.updateGroup(r.ctx, current.group.id, body, {
        ...(externalIdChanged ? { externalId: input.externalId } : {}),
        addMembers,
        removeMembers,
      });
    }
    return this.groupResult(r, current.group.id, 200);
  }

  async replaceGroup(r: ScimRequest, id: string, body: unknown, ifMatch?: string): Promise<ScimResult> {
    const desired = canonical('Group', this.resourceBody('Group', body));
    return this.saveGroup(r, await this.groupForChange(r, id, ifMatch), desired);
  }

  /**
   * A PATCH that only adds or removes given members: checks just those ids (large groups are not
   * read whole) and answers 204 with the new ETag, as RFC 7644 §3.5.2 allows.
   */
  private async patchMembers(
    r: ScimRequest,
    id: string,
    delta: Map<string, 'add' | 'remove'>,
    ifMatch?: string,
  ): Promise<ScimResult> {
    const { group } = await this.groupForChange(r, id, ifMatch, false);
    // Dynamic and synced groups refuse every membership change, even one that would change nothing.
    refuseManualMembership(group, r.ctx.caller);
    const tenantId = r.ctx.caller.tenantId;
    const addMembers: string[] = [];
    const removeMembers: string[] = [];
    for (const [memberId, change] of delta) {
      const user = await this.deps.users.findUser(tenantId, memberId);
      // Guests are outside SCIM's view: removing one changes nothing, adding one is refused.
      if (user?.userType === 'Guest') {
        if (change === 'add') await this.checkNewMembers(r, [memberId]);
        continue;
      }
      const member = await this.deps.groupMembers.isDirectMember(tenantId, group.id, memberId);
      if (change === 'add' && !member) addMembers.push(memberId);
      if (change === 'remove' && member) removeMembers.push(memberId);
    }
    await this.checkNewMembers(r, addMembers);
    if (addMembers.length > 0 || removeMembers.length > 0) {
      await this.deps.groups.updateGroup(r.ctx, group.id, {}, { addMembers, removeMembers });
    }
    const [after] = await this.groupResources(r, [await this.loadGroup(r, group.id)], { excludedAttributes: ['members'] });
    return { status: 204, version: ((after as Json).meta as Json).version as string };
  }

  async patchGroup(r: ScimRequest, id: string, body: unknown, ifMatch?: string): Promise<ScimResult> {
    const ops = readPatchRequest(body);
    const delta = membershipDelta(ops);
    if (delta) return this.patchMembers(r, id, delta, ifMatch);
    const current = await this.groupForChange(r, id, ifMatch);
    const resource = {
      ...current.attrs,
      members: current.members.map((m) => ({ value: m.value, type: m.type, display: m.display })),
    };
    return this.saveGroup(r, current, applyPatch('Group', resource, ops));
  }

  async deleteGroup(r: ScimRequest, id: string, ifMatch?: string): Promise<ScimResult> {
    const { group } = await this.groupForChange(r, id, ifMatch);
    await this.deps.directory.deleteGroup(r.ctx, group.id);
    return { status: 204 };
  }

  // ------------------------------------------------------------------------------------------
  // Shared

  /** A POST/PUT body: an object whose `schemas` names the resource's core schema. */
  private resourceBody(kind: ResourceKind, body: unknown): Json {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalid('request_body_invalid', `The body must be a ${kind} resource (a JSON object).`);
    }
    const core = kind === 'User' ? URN.user : URN.group;
    const schemas = (body as Json).schemas;
    if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === core.toLowerCase())) {
      throw invalid('request_body_invalid', `schemas must contain "${core}".`, 'schemas');
    }
    return body as Json;
  }

  private listQuery(
    kind: ResourceKind,
    params: ListParams,
    filter: ODataQuery['filter'],
    spec: Parameters<typeof parseODataQuery>[1],
  ): ODataQuery {
    const order = params.sortBy ? `${sortPropertyFor(kind, params.sortBy)} ${params.descending ? 'desc' : 'asc'}` : undefined;
    const base = parseODataQuery(order ? { $orderby: order } : {}, spec);
    return { ...base, filter, top: Math.max(1, params.count), count: true, skip: params.startIndex - 1 };
  }

  /** A ListResponse of a page: at most `count` of its items, as `resourcesOf` renders them. */
  private async listResponse<T>(
    kind: ResourceKind,
    params: ListParams,
    page: { items: T[]; count?: number },
    resourcesOf: (items: T[]) => Promise<Json[]>,
  ): Promise<Json> {
    const resources = await resourcesOf(params.count === 0 ? [] : page.items.slice(0, params.count));
    return {
      schemas: [URN.listResponse],
      totalResults: page.count ?? 0,
      startIndex: params.startIndex,
      itemsPerPage: resources.length,
      Resources: resources.map((res) => project(kind, res, params)),
    };
  }
}
