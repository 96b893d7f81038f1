import type { DirectoryObject, Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, denied, notFound } from '../../domain/errors.js';
import { MAX_EXPANDED_ITEMS, type ODataQuery, type ResourceSpec } from '../../odata/query.js';
import type { UseCaseDeps } from '../audit/audit.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { UsersService } from '../users/users.service.js';
import type { GroupReferences } from './group-references.js';
import {
  groupProps,
  groupTarget,
  isDynamic,
  isGroupAdmin,
  isSynced,
  objectTarget,
  refuseManualMembership,
} from './group-rules.js';
import { directoryObjectsResource, groupsResource } from './groups.query.js';
import {
  countOwners,
  deleteOwner,
  directGroupIds,
  directMemberIds,
  findDirectoryObjectRefs,
  type IdSource,
  isDirectMember,
  isOwner,
  listDirectMembersOf,
  listDirectoryObjects,
  listGroups,
  listOwnedGroupIds,
  listOwnerIds,
  lockGroup,
  type MembershipEdge,
  memberOfAmong,
  memberOfIds,
  membershipEdgesAbove,
  ownedGroupIds,
  ownerIds,
  type RelatedRef,
  relatedPerParent,
  transitiveGroupIdsOf,
  transitiveMemberIds,
  transitiveMemberOfIds,
} from './groups.repository.js';

const relationshipIds = (tenantId: string, groupId: string, rel: Relationship): IdSource =>
  rel === 'members'
    ? directMemberIds(tenantId, groupId)
    : rel === 'transitiveMembers'
      ? transitiveMemberIds(tenantId, groupId)
      : ownerIds(tenantId, groupId);

export interface GroupMembersDeps extends Omit<UseCaseDeps, 'newId'> {
  policies: Pick<PoliciesService, 'groupSettings'>;
  users: Pick<UsersService, 'findUser' | 'getUser' | 'listUsersAmong'>;
  references: GroupReferences;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };
export type Relationship = 'members' | 'transitiveMembers' | 'owners';
export type UserRelationship = 'memberOf' | 'transitiveMemberOf' | 'ownedObjects';

/** Group membership and ownership: the `$ref` endpoints, the relationship lists and My Groups' add. */
/** A relationship `$expand` can inline: what it holds (a nested `$select`) and its batch loader. */
export interface Expansion {
  spec: ResourceSpec;
  load: (ctx: OperationContext, parents: readonly object[]) => Promise<Map<string, DirectoryObject[]>>;
}

const idsOf = (parents: readonly object[]) => parents.map((p) => (p as { id: string }).id);

export class GroupMembersService {
  constructor(private readonly deps: GroupMembersDeps) {}

  /** `$expand`able relationships of groups (members, owners, memberOf) and users (memberOf). */
  readonly expansions = {
    members: {
      spec: directoryObjectsResource,
      load: (ctx, parents) => this.expandRelationship(ctx, parents as Pick<Group, 'id' | 'visibility'>[], 'members'),
    },
    owners: {
      spec: directoryObjectsResource,
      load: (ctx, parents) => this.expandRelationship(ctx, parents as Pick<Group, 'id' | 'visibility'>[], 'owners'),
    },
    memberOf: { spec: groupsResource, load: (ctx, parents) => this.expandMemberOf(ctx, idsOf(parents)) },
  } satisfies Record<string, Expansion>;

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** Loads a group and authorizes `action` on it with the caller's ownership/membership facts. */
  private async loadFor(ctx: OperationContext, id: string, action: 'group.manageMembers' | 'group.manageOwners'): Promise<Group> {
    const g = await this.deps.references.load(ctx, id);
    await this.deps.access.require(ctx, action, await this.deps.references.facts(ctx, g.id));
    return g;
  }

  /** Loads a group the calling user is leaving. */
  private async loadForLeave(ctx: OperationContext, id: string): Promise<Group> {
    const g = await this.deps.references.load(ctx, id);
    await this.deps.access.require(ctx, 'group.leave', await this.deps.references.facts(ctx, g.id));
    return g;
  }

  /** GET /groups/{id}/members | transitiveMembers | owners as directoryObjects. */
  async listRelationship(ctx: OperationContext, id: string, rel: Relationship, q: ODataQuery): Promise<Page<DirectoryObject>> {
    const tenantId = ctx.caller.tenantId;
    const g = await this.readableRelationshipOf(ctx, id, rel);
    const page = await listDirectoryObjects(this.deps.db, tenantId, relationshipIds(tenantId, g.id, rel), q);
    return { ...page, items: await this.deps.references.loadObjects(tenantId, page.items) };
  }

  /**
   * The same with a type cast (`/members/microsoft.graph.user`): only the users or only the groups,
   * queried (`$filter`, `$select`, `$orderby`) as the users or groups collection.
   */
  async listRelationshipOfType(
    ctx: OperationContext,
    id: string,
    rel: Relationship,
    q: ODataQuery,
    type: 'user' | 'group',
  ): Promise<Page<User> | Page<Group>> {
    const tenantId = ctx.caller.tenantId;
    const g = await this.readableRelationshipOf(ctx, id, rel);
    const ids = relationshipIds(tenantId, g.id, rel);
    return type === 'user' ? this.deps.users.listUsersAmong(tenantId, ids, q) : listGroups(this.deps.db, tenantId, q, ids);
  }

  /** Loads a group whose members (or owners) the caller may list; hidden memberships stay hidden. */
  private async readableRelationshipOf(ctx: OperationContext, id: string, rel: Relationship): Promise<Group> {
    const g = await this.deps.references.load(ctx, id);
    const f = await this.deps.references.facts(ctx, g.id);
    await this.deps.access.require(ctx, 'group.readMembers', f);
    if (
      rel !== 'owners' &&
      g.visibility === 'Hiddenmembership' &&
      !f.isOwner &&
      !f.isMember &&
      !(ctx.caller.kind === 'app' || ctx.caller.kind === 'system' || isGroupAdmin(ctx.caller))
    ) {
      throw denied('The membership of this group is hidden: only its owners, its members and administrators can list it.');
    }
    return g;
  }

  /**
   * `$expand=members|owners` on groups (a page, or one): up to 20 objects per group, loaded for the
   * whole page in a fixed number of queries. Needs the right to read members; a group with hidden
   * membership is expanded only for its owners, members and administrators (others see none).
   */
  async expandRelationship(
    ctx: OperationContext,
    groups: readonly Pick<Group, 'id' | 'visibility'>[],
    rel: 'members' | 'owners',
  ): Promise<Map<string, DirectoryObject[]>> {
    await this.deps.access.require(ctx, 'group.readMembers');
    const tenantId = ctx.caller.tenantId;
    const c = ctx.caller;
    const hidden = rel === 'members' ? groups.filter((g) => g.visibility === 'Hiddenmembership').map((g) => g.id) : [];
    let shown = new Set(groups.map((g) => g.id));
    if (hidden.length > 0 && !(c.kind === 'app' || c.kind === 'system' || isGroupAdmin(c))) {
      const own =
        c.kind === 'user'
          ? new Set([
              ...(await memberOfAmong(this.deps.db, tenantId, c.userId, hidden)),
              ...(await listOwnedGroupIds(this.deps.db, tenantId, c.userId)),
            ])
          : new Set<string>();
      shown = new Set([...shown].filter((id) => !hidden.includes(id) || own.has(id)));
    }
    return this.loadRelated(tenantId, await relatedPerParent(this.deps.db, tenantId, rel, [...shown], MAX_EXPANDED_ITEMS));
  }

  /**
   * `$expand=memberOf` on users or groups: up to 20 groups each, for the whole page at once. Anyone
   * reads their own; others need the right to list groups (as GET /users/{id}/memberOf).
   */
  async expandMemberOf(ctx: OperationContext, objectIds: readonly string[]): Promise<Map<string, DirectoryObject[]>> {
    const c = ctx.caller;
    if (!(c.kind === 'user' && objectIds.every((id) => id === c.userId))) await this.deps.access.require(ctx, 'group.list');
    const tenantId = c.tenantId;
    return this.loadRelated(tenantId, await relatedPerParent(this.deps.db, tenantId, 'memberOf', objectIds, MAX_EXPANDED_ITEMS));
  }

  private async loadRelated(tenantId: string, refs: RelatedRef[]): Promise<Map<string, DirectoryObject[]>> {
    const unique = [...new Map(refs.map((r) => [r.id, r])).values()];
    const objects = new Map((await this.deps.references.loadObjects(tenantId, unique)).map((o) => [o.id, o]));
    const out = new Map<string, DirectoryObject[]>();
    for (const r of refs) {
      const o = objects.get(r.id);
      if (o) out.set(r.parentId, [...(out.get(r.parentId) ?? []), o]);
    }
    return out;
  }

  /**
   * GET /directoryObjects/{id} and POST /directoryObjects/getByIds: users and groups by id, in the
   * order asked, those that do not exist left out (getByIds) or 404 (one). `types` narrows to
   * `user`/`group`. Reading users needs `user.list` (your own: nothing), groups `group.list`.
   */
  async getByIds(ctx: OperationContext, ids: readonly string[], types?: readonly string[]): Promise<DirectoryObject[]> {
    const tenantId = ctx.caller.tenantId;
    const wanted = types?.map((t) => t.replace(/^#?microsoft\.graph\./i, '').toLowerCase());
    const refs = (
      await findDirectoryObjectRefs(
        this.deps.db,
        tenantId,
        ids.map((i) => i.toLowerCase()),
      )
    ).filter((r) => wanted === undefined || wanted.includes(r.type));
    const c = ctx.caller;
    if (refs.some((r) => r.type === 'user' && !(c.kind === 'user' && c.userId === r.id))) {
      await this.deps.access.require(ctx, 'user.list');
    }
    if (refs.some((r) => r.type === 'group')) await this.deps.access.require(ctx, 'group.list');
    const objects = new Map((await this.deps.references.loadObjects(tenantId, refs)).map((o) => [o.id, o]));
    return ids.map((id) => objects.get(id.toLowerCase())).filter((o): o is DirectoryObject => o !== undefined);
  }

  /** GET /directoryObjects/{id}: a user or a group, as its own GET would return it (404 otherwise). */
  async getDirectoryObject(ctx: OperationContext, id: string): Promise<DirectoryObject> {
    const [ref] = await findDirectoryObjectRefs(this.deps.db, ctx.caller.tenantId, [id.toLowerCase()]);
    if (ref === undefined) {
      await this.deps.access.require(ctx, 'user.read');
      throw notFound(id);
    }
    if (ref.type === 'user') return { '@odata.type': '#microsoft.graph.user', ...(await this.deps.users.getUser(ctx, ref.id)) };
    return { '@odata.type': '#microsoft.graph.group', ...(await this.deps.references.load(ctx, ref.id)) };
  }

  /**
   * The groups a user or group belongs to, directly or through nested groups (Graph's
   * getMemberGroups / getMemberObjects; Portico has no directory roles or administrative units to
   * add). Anyone for themselves; others need the right to list groups.
   */
  async memberGroupIds(ctx: OperationContext, objectKey: string, securityEnabledOnly: boolean): Promise<string[]> {
    const tenantId = ctx.caller.tenantId;
    const c = ctx.caller;
    const [ref] = await findDirectoryObjectRefs(this.deps.db, tenantId, [objectKey.toLowerCase()]);
    const id = ref?.id ?? (await this.deps.users.getUser(ctx, objectKey)).id;
    if (!(c.kind === 'user' && c.userId === id)) await this.deps.access.require(ctx, 'group.list');
    return transitiveGroupIdsOf(this.deps.db, tenantId, id, securityEnabledOnly);
  }

  /**
   * Checks that the caller may add members to the group the way My Groups does (the seed's
   * flow): the group exists, the caller owns it (or administers groups), it is Assigned and not
   * synced, and — for non-admin owners — the tenant's self-service settings allow managing
   * membership in My Groups. Throws with a message a person can act on.
   */
  async prepareMyGroupsAdd(ctx: OperationContext, id: string, opts: { forGuest: boolean }): Promise<Group> {
    const g = await this.deps.references.load(ctx, id);
    const f = await this.deps.references.facts(ctx, g.id);
    if (!(await this.deps.access.allows(ctx, 'group.manageMembers', f))) {
      throw denied('You are not an owner of this group: only its owners (and group administrators) can add members.');
    }
    if (ctx.caller.kind === 'user' && !isGroupAdmin(ctx.caller)) {
      const settings = await this.deps.policies.groupSettings(ctx.caller.tenantId);
      if (settings.restrictGroupsFeaturesInMyGroups) throw new DomainError('my_groups_restricted');
      if (!settings.selfServiceGroupManagementEnabled) {
        throw new DomainError(
          'my_groups_management_disabled',
          'Group owners cannot manage membership in My Groups: the setting "Owners can manage group membership requests in My Groups" is off. Ask an administrator.',
        );
      }
    }
    if (opts.forGuest && (isDynamic(g) || isSynced(g))) {
      throw new DomainError(
        isDynamic(g) ? 'group_dynamic_membership' : 'group_synced',
        'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.',
      );
    }
    refuseManualMembership(g);
    return g;
  }

  /**
   * Adds a user as a member inside the caller's transaction (the directory module: a guest is
   * created and added atomically). Locks the group; the caller has authorized with prepareMyGroupsAdd.
   */
  async addMemberInTransaction(trx: Executor, ctx: OperationContext, group: Group, userId: string): Promise<void> {
    if (!(await lockGroup(trx, ctx.caller.tenantId, group.id))) throw notFound(group.id);
    await this.deps.references.addMember(trx, ctx, group, userId, this.now());
  }

  /** Internal (the caller authorizes): the direct members of these groups, for delta queries. */
  directMembersOf(
    tenantId: string,
    groupIds: readonly string[],
  ): Promise<{ groupId: string; memberId: string; memberType: string }[]> {
    return listDirectMembersOf(this.deps.db, tenantId, groupIds);
  }

  /** Internal: the groups an object is a DIRECT member of (what passes app assignments on, in Entra). */
  directGroupIdsOf(tenantId: string, memberId: string, db: Executor = this.deps.db): Promise<string[]> {
    return directGroupIds(db, tenantId, memberId);
  }

  /**
   * Internal: every direct membership above the object (its own, its groups', and so on up), with
   * when each began: the group graph "Why does this person have access?" walks. One query.
   */
  membershipEdgesAbove(tenantId: string, objectId: string, db: Executor = this.deps.db): Promise<MembershipEdge[]> {
    return membershipEdgesAbove(db, tenantId, objectId);
  }

  /** Internal: the users who own the group (join requests are sent to them). */
  ownerIdsOf(tenantId: string, groupId: string, db: Executor = this.deps.db): Promise<string[]> {
    return listOwnerIds(db, tenantId, groupId);
  }

  /** Internal: the groups the user owns. */
  ownedGroupIdsOf(tenantId: string, userId: string, db: Executor = this.deps.db): Promise<string[]> {
    return listOwnedGroupIds(db, tenantId, userId);
  }

  /** Internal: is the user a direct member of the group? */
  isDirectMember(tenantId: string, groupId: string, userId: string, db: Executor = this.deps.db): Promise<boolean> {
    return isDirectMember(db, tenantId, groupId, userId);
  }

  /** POST /groups/{id}/members/$ref. One transaction with "Add member to group". */
  async addMember(ctx: OperationContext, id: string, ref: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const g = await this.loadFor(ctx, id, 'group.manageMembers');
    refuseManualMembership(g, ctx.caller);
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
      await this.deps.references.addMember(trx, ctx, g, ref, this.now());
    });
  }

  /**
   * DELETE /groups/{id}/members/{memberId}/$ref. 404 when not a member. Owners and group
   * administrators remove anyone; every user may remove themselves (My Groups → Leave group).
   */
  async removeMember(ctx: OperationContext, id: string, memberId: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const mid = memberId.toLowerCase();
    const leaving = ctx.caller.kind === 'user' && ctx.caller.userId === mid;
    const g = leaving ? await this.loadForLeave(ctx, id) : await this.loadFor(ctx, id, 'group.manageMembers');
    refuseManualMembership(g, ctx.caller);
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
      await this.deps.references.removeMember(trx, ctx, g, memberId);
    });
  }

  /** POST /groups/{id}/owners/$ref. Owners are users. One transaction with "Add owner to group". */
  async addOwner(ctx: OperationContext, id: string, ref: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const g = await this.loadFor(ctx, id, 'group.manageOwners');
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
      await this.deps.references.addOwner(trx, ctx, g, ref, this.now());
    });
  }

  /** DELETE /groups/{id}/owners/{ownerId}/$ref. The last owner of a group cannot be removed. */
  async removeOwner(ctx: OperationContext, id: string, ownerId: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const g = await this.loadFor(ctx, id, 'group.manageOwners');
    const oid = ownerId.toLowerCase();
    await this.deps.db.transaction().execute(async (trx) => {
      // The lock makes "count, then delete" safe against two owners being removed at once.
      if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
      if (!(await isOwner(trx, tenantId, g.id, oid))) throw notFound(ownerId);
      if ((await countOwners(trx, tenantId, g.id)) <= 1) throw new DomainError('group_last_owner');
      await deleteOwner(trx, tenantId, g.id, oid);
      const user = await this.deps.users.findUser(tenantId, oid, trx);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Remove owner from group',
        category: 'GroupManagement',
        operationType: 'Unassign',
        targetResources: [
          groupTarget(g),
          objectTarget({ ref: { id: oid, type: 'user' }, ...(user ? { user } : {}) }, groupProps(g)),
        ],
      });
    });
  }

  /**
   * GET /users/{id}/memberOf | transitiveMemberOf | ownedObjects (and under /me). Anyone may read
   * their own; reading another user's needs `user.read` on them and the right to list groups.
   */
  async listUserRelationship(
    ctx: OperationContext,
    userKey: string,
    rel: UserRelationship,
    q: ODataQuery,
  ): Promise<Page<DirectoryObject>> {
    const tenantId = ctx.caller.tenantId;
    const user = await this.deps.users.getUser(ctx, userKey);
    const self = ctx.caller.kind === 'user' && ctx.caller.userId === user.id;
    if (!self) await this.deps.access.require(ctx, 'group.list');
    const ids =
      rel === 'memberOf'
        ? memberOfIds(tenantId, user.id)
        : rel === 'transitiveMemberOf'
          ? transitiveMemberOfIds(tenantId, user.id)
          : ownedGroupIds(tenantId, user.id);
    const page = await listGroups(this.deps.db, tenantId, q, ids);
    return {
      ...page,
      items: page.items.map((g): DirectoryObject => ({ '@odata.type': '#microsoft.graph.group', ...g })),
    };
  }
}
