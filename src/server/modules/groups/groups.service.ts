import { idFromODataRef } from '../../../contracts/common.js';
import {
  type CreateGroupBody,
  type DirectoryObject,
  type Group,
  MAX_BIND_REFERENCES,
  type UpdateGroupBody,
} from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import { type Action, authorize, type Caller, type TargetFacts } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { badRequest, DomainError, denied, notFound } from '../../domain/errors.js';
import type { IdGenerator } from '../../domain/ids.js';
import { RoleIds } from '../../domain/roles.js';
import type { ODataQuery } from '../../http/odata/query.js';
import { type AuditService, type ModifiedProperty, type TargetResource, userTarget } from '../audit/audit.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  containsTransitively,
  countOwners,
  deleteGroupRow,
  deleteMember,
  deleteOwner,
  deleteReferencesTo,
  directMemberIds,
  findGroup,
  findGroupsByIds,
  type IdSource,
  insertGroup,
  insertMember,
  insertOwner,
  isDirectMember,
  isOwner,
  listDirectoryObjects,
  listGroups,
  lockGroup,
  memberOfIds,
  type ObjectRef,
  ownedGroupIds,
  ownerIds,
  transitiveMemberIds,
  transitiveMemberOfIds,
  unifiedMailNicknameTaken,
  updateGroupRow,
} from './groups.repository.js';

export interface GroupsDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  policies: PoliciesService;
  users: UsersService;
  tenants: TenantsService;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };
export type Relationship = 'members' | 'transitiveMembers' | 'owners';
export type UserRelationship = 'memberOf' | 'transitiveMemberOf' | 'ownedObjects';

const UNIFIED = 'Unified';
const DYNAMIC = 'DynamicMembership';
const GROUP_ADMIN_ROLES: readonly string[] = [
  RoleIds.globalAdministrator,
  RoleIds.userAdministrator,
  RoleIds.groupsAdministrator,
];

export const isUnified = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes(UNIFIED);
export const isDynamic = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes(DYNAMIC);
const isSynced = (g: Group): boolean => g.onPremisesSyncEnabled === true;

const refExists = (property: 'members' | 'owners') =>
  new DomainError(
    'group_reference_exists',
    `One or more added object references already exist for the following modified properties: '${property}'.`,
  );

const groupTarget = (g: Group, modifiedProperties: ModifiedProperty[] = []): TargetResource => ({
  id: g.id,
  displayName: g.displayName,
  type: 'Group',
  groupType: isUnified(g) ? 'unifiedGroups' : 'azureAD',
  modifiedProperties,
});

type Resolved = { ref: ObjectRef; user?: User; group?: Group };

const objectTarget = (o: Resolved, modifiedProperties: ModifiedProperty[] = []): TargetResource =>
  o.user
    ? userTarget(o.user, modifiedProperties)
    : o.group
      ? groupTarget(o.group, modifiedProperties)
      : { id: o.ref.id, displayName: null, type: 'Other', modifiedProperties };

const groupProps = (g: Group): ModifiedProperty[] => [
  { displayName: 'Group.ObjectID', oldValue: null, newValue: JSON.stringify(g.id) },
  { displayName: 'Group.DisplayName', oldValue: null, newValue: JSON.stringify(g.displayName) },
];

/** Canonical `groupTypes`: Graph accepts only these four combinations (entra-behaviour.md §6.1). */
function canonicalGroupTypes(types: readonly string[]): string[] {
  const set = new Set(types.map((t) => t.toLowerCase()));
  const unified = set.delete('unified');
  const dynamic = set.delete('dynamicmembership');
  if (set.size > 0 || types.length !== Number(unified) + Number(dynamic)) {
    throw badRequest(
      'Invalid value for property groupTypes: use [], ["Unified"], ["DynamicMembership"] or ["Unified","DynamicMembership"].',
      'groupTypes',
    );
  }
  return [...(unified ? [UNIFIED] : []), ...(dynamic ? [DYNAMIC] : [])];
}

/** Rules that hold for every stored group, checked on create and on the merged result of a PATCH. */
function validateGroupShape(g: Group): void {
  if (isUnified(g)) {
    if (!g.mailEnabled) {
      throw badRequest('Microsoft 365 groups (groupTypes contains "Unified") must have mailEnabled set to true.', 'mailEnabled');
    }
  } else {
    if (g.mailEnabled) {
      throw badRequest(
        'The service does not currently support writes of mail-enabled security groups: set mailEnabled to false, or create a Microsoft 365 group (groupTypes ["Unified"]).',
        'mailEnabled',
      );
    }
    if (!g.securityEnabled) {
      throw badRequest(
        'A group that is not a Microsoft 365 group must be a security group: set securityEnabled to true.',
        'securityEnabled',
      );
    }
    if (g.visibility === 'Hiddenmembership') {
      throw badRequest("Visibility 'Hiddenmembership' is only supported for Microsoft 365 groups.", 'visibility');
    }
  }
  if (isDynamic(g) && !g.membershipRule) {
    throw badRequest('A dynamic group (groupTypes contains "DynamicMembership") requires a membershipRule.', 'membershipRule');
  }
  if (!isDynamic(g) && g.membershipRule) {
    throw badRequest(
      'membershipRule can only be set on a dynamic group: add "DynamicMembership" to groupTypes.',
      'membershipRule',
    );
  }
  if (g.isAssignableToRole) {
    if (!g.securityEnabled)
      throw badRequest('A role-assignable group must have securityEnabled set to true.', 'isAssignableToRole');
    if (isDynamic(g)) throw badRequest('A role-assignable group cannot be a dynamic group.', 'isAssignableToRole');
    if (g.visibility !== 'Private') throw badRequest("A role-assignable group must have visibility 'Private'.", 'visibility');
  }
}

const diff = (before: Group, after: Group): ModifiedProperty[] =>
  (Object.keys(after) as (keyof Group)[])
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({ displayName: k, oldValue: JSON.stringify(before[k]), newValue: JSON.stringify(after[k]) }));

const asDirectoryObject = (o: { user?: User; group?: Group }): DirectoryObject | undefined =>
  o.user
    ? { '@odata.type': '#microsoft.graph.user', ...o.user }
    : o.group
      ? { '@odata.type': '#microsoft.graph.group', ...o.group }
      : undefined;

/** Called inside the deletion transaction so other features drop their references to the group. */
export type GroupDeletionHook = (trx: Executor, tenantId: string, groupId: string) => Promise<void>;

export function createGroupsService(deps: GroupsDeps) {
  const deletionHooks: GroupDeletionHook[] = [];
  const policyFacts = (tenantId: string) => deps.policies.policyFacts(tenantId);

  async function check(ctx: OperationContext, action: Action, target: TargetFacts = {}) {
    const decision = authorize(ctx.caller, action, await policyFacts(ctx.caller.tenantId), target);
    if (!decision.allowed) throw denied(decision.reason);
  }

  const allowed = async (ctx: OperationContext, action: Action, target: TargetFacts = {}) =>
    authorize(ctx.caller, action, await policyFacts(ctx.caller.tenantId), target).allowed;

  async function facts(ctx: OperationContext, groupId: string): Promise<TargetFacts> {
    const c = ctx.caller;
    if (c.kind !== 'user') return {};
    const [owner, member] = await Promise.all([
      isOwner(deps.db, c.tenantId, groupId, c.userId),
      isDirectMember(deps.db, c.tenantId, groupId, c.userId),
    ]);
    return { isOwner: owner, isMember: member };
  }

  const isGroupAdmin = (c: Caller) => c.kind === 'user' && GROUP_ADMIN_ROLES.some((r) => c.roles.has(r));

  /**
   * Loads a group for an operation, or 404. Existence is only revealed to callers who may read
   * groups at all (a restricted guest gets 403 either way).
   */
  async function loadGroup(ctx: OperationContext, id: string): Promise<Group> {
    const g = await findGroup(deps.db, ctx.caller.tenantId, id);
    if (!g) {
      await check(ctx, 'group.read');
      throw notFound(id);
    }
    return g;
  }

  /** Resolves an `@odata.id` reference (or bare id) to a user or group of the tenant, or 404. */
  async function resolveRef(db: Executor, tenantId: string, ref: string): Promise<Resolved> {
    const id = idFromODataRef(ref);
    if (id === undefined) {
      throw badRequest(
        `Invalid object identifier '${ref}': expected a URL ending in /directoryObjects/{id}, /users/{id} or /groups/{id}.`,
        '@odata.id',
      );
    }
    const user = await deps.users.findUser(tenantId, id, db);
    if (user) return { ref: { id, type: 'user' }, user };
    const group = await findGroup(db, tenantId, id);
    if (group) return { ref: { id, type: 'group' }, group };
    throw notFound(id);
  }

  function checkMemberType(group: Group, o: Resolved): void {
    if (o.ref.type === 'group' && isUnified(group)) {
      throw new DomainError(
        'group_member_type_invalid',
        'Only users can be members of a Microsoft 365 group; groups can be nested in security groups only.',
      );
    }
  }

  function checkOwnerType(o: Resolved): void {
    if (o.ref.type !== 'user') throw new DomainError('group_member_type_invalid', 'Only users can be owners of a group.');
  }

  function refuseManualMembership(group: Group): void {
    if (isDynamic(group)) throw new DomainError('group_dynamic_membership');
    if (isSynced(group)) {
      throw new DomainError(
        'group_synced',
        'Unable to update the specified properties for objects that have originated within an external service: the members of this group are managed by the directory it is synced from.',
      );
    }
  }

  function checkBindCount(...lists: (readonly string[] | undefined)[]): void {
    const n = lists.reduce((sum, l) => sum + (l?.length ?? 0), 0);
    if (n > MAX_BIND_REFERENCES) {
      throw new DomainError(
        'group_too_many_references',
        `At most ${MAX_BIND_REFERENCES} members and owners can be added in one request; this request has ${n}.`,
      );
    }
  }

  /** Adds a member inside `trx` with every check; the caller has authorized and locked the group. */
  async function addMemberIn(trx: Executor, ctx: OperationContext, group: Group, ref: string, now: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const o = await resolveRef(trx, tenantId, ref);
    checkMemberType(group, o);
    if (o.ref.type === 'group' && (await containsTransitively(trx, tenantId, o.ref.id, group.id))) {
      throw new DomainError(
        'group_membership_cycle',
        o.ref.id === group.id
          ? 'A group cannot be a member of itself.'
          : `The group '${o.group?.displayName ?? o.ref.id}' cannot be added as a member: it already contains this group, directly or through nested groups, so adding it would create a membership cycle.`,
      );
    }
    if (await isDirectMember(trx, tenantId, group.id, o.ref.id)) throw refExists('members');
    try {
      await insertMember(trx, tenantId, group.id, o.ref, now);
    } catch (err) {
      throw asUniqueViolation(err) ? refExists('members') : err;
    }
    await deps.audit.record(trx, ctx, {
      activityDisplayName: 'Add member to group',
      category: 'GroupManagement',
      operationType: 'Assign',
      targetResources: [groupTarget(group), objectTarget(o, groupProps(group))],
    });
  }

  async function addOwnerIn(trx: Executor, ctx: OperationContext, group: Group, ref: string, now: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const o = await resolveRef(trx, tenantId, ref);
    checkOwnerType(o);
    if (await isOwner(trx, tenantId, group.id, o.ref.id)) throw refExists('owners');
    try {
      await insertOwner(trx, tenantId, group.id, o.ref.id, now);
    } catch (err) {
      throw asUniqueViolation(err) ? refExists('owners') : err;
    }
    await deps.audit.record(trx, ctx, {
      activityDisplayName: 'Add owner to group',
      category: 'GroupManagement',
      operationType: 'Assign',
      targetResources: [groupTarget(group), objectTarget(o, groupProps(group))],
    });
  }

  async function loadObjects(tenantId: string, refs: readonly ObjectRef[]): Promise<DirectoryObject[]> {
    const userIds = refs.filter((r) => r.type === 'user').map((r) => r.id);
    const groupIds = refs.filter((r) => r.type === 'group').map((r) => r.id);
    const [users, groups] = await Promise.all([
      deps.users.findUsersByIds(tenantId, userIds),
      findGroupsByIds(deps.db, tenantId, groupIds),
    ]);
    const byId = new Map<string, DirectoryObject | undefined>([
      ...users.map((u): [string, DirectoryObject | undefined] => [u.id, asDirectoryObject({ user: u })]),
      ...groups.map((g): [string, DirectoryObject | undefined] => [g.id, asDirectoryObject({ group: g })]),
    ]);
    return refs.map((r) => byId.get(r.id)).filter((o): o is DirectoryObject => o !== undefined);
  }

  const service = {
    /** Registers the user-deletion hook: memberships and ownerships go in the same transaction. */
    register(): void {
      deps.users.onUserDeleted((trx, tenantId, userId) => deleteReferencesTo(trx, tenantId, userId));
    },

    /** Registers a hook run inside the transaction that deletes a group (e.g. app role assignments). */
    onGroupDeleted(hook: GroupDeletionHook): void {
      deletionHooks.push(hook);
    },

    /** GET /groups. Members and admins enumerate; limited and restricted guests cannot. */
    async listGroups(ctx: OperationContext, q: ODataQuery): Promise<Page<Group>> {
      await check(ctx, 'group.list');
      return listGroups(deps.db, ctx.caller.tenantId, q);
    },

    /** GET /groups/{id}. Limited guests may read a group by id; restricted guests only their own. */
    async getGroup(ctx: OperationContext, id: string): Promise<Group> {
      const g = await loadGroup(ctx, id);
      await check(ctx, 'group.read', await facts(ctx, g.id));
      return g;
    },

    /** Internal lookup (no authorization). */
    findGroup: (tenantId: string, id: string, db: Executor = deps.db) => findGroup(db, tenantId, id),

    /**
     * POST /groups. Validates Graph's rules, creates the group with its bound owners and members
     * (all-or-nothing, at most 20) in one transaction with "Add group" / "Add owner to group" /
     * "Add member to group" audit records. A non-admin member who creates a group becomes an owner.
     */
    async createGroup(ctx: OperationContext, body: CreateGroupBody): Promise<Group> {
      const { caller } = ctx;
      const tenantId = caller.tenantId;
      const groupTypes = canonicalGroupTypes(body.groupTypes ?? []);
      const unified = groupTypes.includes(UNIFIED);

      // Microsoft 365 group creation by users follows its own switch (Entra's EnableGroupCreation).
      const policy = await policyFacts(tenantId);
      const createFacts = unified
        ? {
            ...policy,
            allowedToCreateSecurityGroups: (await deps.policies.groupSettings(tenantId)).usersCanCreateMicrosoft365Groups,
          }
        : policy;
      const decision = authorize(caller, 'group.create', createFacts);
      if (!decision.allowed) {
        throw denied(
          unified && caller.kind === 'user' && caller.userType === 'Member'
            ? 'Users cannot create Microsoft 365 groups in this organization: ask an administrator.'
            : decision.reason,
        );
      }
      if (body.onPremisesSyncEnabled !== undefined && body.onPremisesSyncEnabled !== null) {
        if (!(await allowed(ctx, 'group.createSynced'))) {
          throw denied(
            'onPremisesSyncEnabled is read-only: only automation clients with Directory.ReadWrite.All can create groups synced from another directory.',
          );
        }
      }
      if (body.isAssignableToRole === true && !(await allowed(ctx, 'role.assign'))) {
        throw denied('Only a Global Administrator or Privileged Role Administrator can create role-assignable groups.');
      }
      const owners = body['owners@odata.bind'] ?? [];
      const members = body['members@odata.bind'] ?? [];
      checkBindCount(owners, members);

      const dynamic = groupTypes.includes(DYNAMIC);
      const tenant = await deps.tenants.getTenant(tenantId);
      const group: Group = {
        id: deps.newId(),
        displayName: body.displayName,
        description: body.description ?? null,
        mailNickname: body.mailNickname,
        mail: unified && body.mailEnabled ? `${body.mailNickname}@${tenant.initialDomain}` : null,
        mailEnabled: body.mailEnabled,
        securityEnabled: body.securityEnabled,
        groupTypes,
        membershipRule: body.membershipRule ?? null,
        membershipRuleProcessingState: dynamic ? (body.membershipRuleProcessingState ?? 'On') : null,
        onPremisesSyncEnabled: body.onPremisesSyncEnabled ?? null,
        visibility: body.visibility ?? (unified ? 'Public' : 'Private'),
        isAssignableToRole: body.isAssignableToRole ?? false,
        createdDateTime: deps.clock.now().toISOString(),
      };
      if (!dynamic && body.membershipRuleProcessingState !== undefined) {
        throw badRequest('membershipRuleProcessingState can only be set on a dynamic group.', 'membershipRuleProcessingState');
      }
      validateGroupShape(group);
      // A synced group is created by its sync source, which may bind its members; a dynamic one never.
      if (members.length > 0 && dynamic) throw new DomainError('group_dynamic_membership');

      const creatorId = caller.kind === 'user' ? caller.userId : null;
      // Entra: a member user "becomes owner of groups it creates"; administrators do not.
      const creatorBecomesOwner = caller.kind === 'user' && caller.userType === 'Member' && !isGroupAdmin(caller);

      await deps.db.transaction().execute(async (trx) => {
        if (unified && (await unifiedMailNicknameTaken(trx, tenantId, group.mailNickname))) {
          throw new DomainError('group_mail_nickname_conflict', undefined, { target: 'mailNickname' });
        }
        await insertGroup(trx, tenantId, group, creatorId);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Add group',
          category: 'GroupManagement',
          operationType: 'Add',
          targetResources: [
            groupTarget(
              group,
              (Object.keys(group) as (keyof Group)[])
                .filter((k) => k !== 'id' && k !== 'createdDateTime' && group[k] !== null)
                .map((k) => ({ displayName: k, oldValue: null, newValue: JSON.stringify(group[k]) })),
            ),
          ],
        });
        const now = group.createdDateTime;
        const ownerIdsBound = new Set(owners.map((o) => idFromODataRef(o)));
        if (creatorBecomesOwner && creatorId !== null && !ownerIdsBound.has(creatorId)) {
          await addOwnerIn(trx, ctx, group, creatorId, now);
        }
        for (const ref of owners) await addOwnerIn(trx, ctx, group, ref, now);
        for (const ref of members) await addMemberIn(trx, ctx, group, ref, now);
      });
      return group;
    },

    /**
     * PATCH /groups/{id}: property changes ("Update group") and `members@odata.bind` /
     * `owners@odata.bind` (≤ 20, all-or-nothing), in one transaction.
     */
    async updateGroup(ctx: OperationContext, id: string, body: UpdateGroupBody): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const existing = await loadGroup(ctx, id);
      const targetFacts = await facts(ctx, existing.id);
      const { 'members@odata.bind': members = [], 'owners@odata.bind': owners = [], ...props } = body;
      const changesProps = Object.values(props).some((v) => v !== undefined);

      if (changesProps || (members.length === 0 && owners.length === 0)) await check(ctx, 'group.update', targetFacts);
      if (members.length > 0) await check(ctx, 'group.manageMembers', targetFacts);
      if (owners.length > 0) await check(ctx, 'group.manageOwners', targetFacts);
      checkBindCount(members, owners);

      if (props.onPremisesSyncEnabled !== undefined) {
        throw badRequest(
          'Property onPremisesSyncEnabled is read-only: it is set only when a group is provisioned from another directory.',
          'onPremisesSyncEnabled',
        );
      }
      if (changesProps && isSynced(existing)) throw new DomainError('group_synced');
      if (props.isAssignableToRole !== undefined && props.isAssignableToRole !== existing.isAssignableToRole) {
        throw badRequest('Property isAssignableToRole can only be set when the group is created.', 'isAssignableToRole');
      }
      if (props.mailEnabled !== undefined && props.mailEnabled !== existing.mailEnabled) {
        throw badRequest('Property mailEnabled cannot be changed after the group is created.', 'mailEnabled');
      }

      const updated: Group = { ...existing };
      if (props.displayName !== undefined) updated.displayName = props.displayName;
      if (props.description !== undefined) updated.description = props.description;
      if (props.securityEnabled !== undefined) updated.securityEnabled = props.securityEnabled;
      if (props.visibility !== undefined) updated.visibility = props.visibility;
      if (props.membershipRule !== undefined) updated.membershipRule = props.membershipRule;
      if (props.groupTypes !== undefined) {
        updated.groupTypes = canonicalGroupTypes(props.groupTypes);
        if (isUnified(updated) !== isUnified(existing)) {
          throw badRequest(
            'A group cannot be converted between a security group and a Microsoft 365 group: groupTypes may only add or remove "DynamicMembership".',
            'groupTypes',
          );
        }
      }
      if (isDynamic(updated)) {
        updated.membershipRuleProcessingState =
          props.membershipRuleProcessingState ?? existing.membershipRuleProcessingState ?? 'On';
      } else {
        if (props.membershipRuleProcessingState !== undefined) {
          throw badRequest('membershipRuleProcessingState can only be set on a dynamic group.', 'membershipRuleProcessingState');
        }
        updated.membershipRuleProcessingState = null;
        // Turning a dynamic group into an assigned one drops its rule (the members stay).
        if (isDynamic(existing) && props.membershipRule === undefined) updated.membershipRule = null;
      }
      if (props.mailNickname !== undefined) {
        updated.mailNickname = props.mailNickname;
        if (existing.mail !== null) {
          const tenant = await deps.tenants.getTenant(tenantId);
          updated.mail = `${props.mailNickname}@${tenant.initialDomain}`;
        }
      }
      validateGroupShape(updated);
      if (members.length > 0) refuseManualMembership(updated);
      const changes = diff(existing, updated);

      if (changes.length === 0 && members.length === 0 && owners.length === 0) return;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockGroup(trx, tenantId, existing.id))) throw notFound(id);
        if (
          isUnified(updated) &&
          updated.mailNickname.toLowerCase() !== existing.mailNickname.toLowerCase() &&
          (await unifiedMailNicknameTaken(trx, tenantId, updated.mailNickname, existing.id))
        ) {
          throw new DomainError('group_mail_nickname_conflict', undefined, { target: 'mailNickname' });
        }
        if (changes.length > 0) {
          await updateGroupRow(trx, tenantId, updated);
          await deps.audit.record(trx, ctx, {
            activityDisplayName: 'Update group',
            category: 'GroupManagement',
            operationType: 'Update',
            targetResources: [groupTarget(updated, changes)],
          });
        }
        const now = deps.clock.now().toISOString();
        for (const ref of owners) await addOwnerIn(trx, ctx, updated, ref, now);
        for (const ref of members) await addMemberIn(trx, ctx, updated, ref, now);
      });
    },

    /**
     * DELETE /groups/{id}: the group, its member/owner rows and its memberships in other groups, in
     * one transaction with "Delete group". A synced group can only be deleted by its sync source.
     */
    async deleteGroup(ctx: OperationContext, id: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const g = await loadGroup(ctx, id);
      await check(ctx, 'group.delete', await facts(ctx, g.id));
      if (isSynced(g) && !(await allowed(ctx, 'group.createSynced'))) throw new DomainError('group_synced');
      await deps.db.transaction().execute(async (trx) => {
        for (const hook of deletionHooks) await hook(trx, tenantId, g.id);
        await deleteGroupRow(trx, tenantId, g.id);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Delete group',
          category: 'GroupManagement',
          operationType: 'Delete',
          targetResources: [groupTarget(g)],
        });
      });
    },

    /** GET /groups/{id}/members | transitiveMembers | owners as directoryObjects. */
    async listRelationship(ctx: OperationContext, id: string, rel: Relationship, q: ODataQuery): Promise<Page<DirectoryObject>> {
      const tenantId = ctx.caller.tenantId;
      const g = await loadGroup(ctx, id);
      const f = await facts(ctx, g.id);
      await check(ctx, 'group.readMembers', f);
      if (
        rel !== 'owners' &&
        g.visibility === 'Hiddenmembership' &&
        !f.isOwner &&
        !f.isMember &&
        !(ctx.caller.kind === 'app' || ctx.caller.kind === 'system' || isGroupAdmin(ctx.caller))
      ) {
        throw denied('The membership of this group is hidden: only its owners, its members and administrators can list it.');
      }
      const ids: IdSource =
        rel === 'members'
          ? directMemberIds(tenantId, g.id)
          : rel === 'transitiveMembers'
            ? transitiveMemberIds(tenantId, g.id)
            : ownerIds(tenantId, g.id);
      const page = await listDirectoryObjects(deps.db, tenantId, ids, q);
      return { ...page, items: await loadObjects(tenantId, page.items) };
    },

    /**
     * Checks that the caller may add members to the group the way My Groups does (the seed's
     * flow): the group exists, the caller owns it (or administers groups), it is Assigned and not
     * synced, and — for non-admin owners — the tenant's self-service settings allow managing
     * membership in My Groups. Throws with a message a person can act on.
     */
    async prepareMyGroupsAdd(ctx: OperationContext, id: string, opts: { forGuest: boolean }): Promise<Group> {
      const g = await loadGroup(ctx, id);
      const f = await facts(ctx, g.id);
      if (!(await allowed(ctx, 'group.manageMembers', f))) {
        throw denied('You are not an owner of this group: only its owners (and group administrators) can add members.');
      }
      if (ctx.caller.kind === 'user' && !isGroupAdmin(ctx.caller)) {
        const settings = await deps.policies.groupSettings(ctx.caller.tenantId);
        if (settings.restrictGroupsFeaturesInMyGroups) {
          throw denied('Groups features in My Groups are restricted to administrators in this organization.');
        }
        if (!settings.selfServiceGroupManagementEnabled) {
          throw denied(
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
    },

    /**
     * Adds a user as a member inside the caller's transaction (invitations: the guest is created
     * and added atomically). Locks the group; the caller has authorized with prepareMyGroupsAdd.
     */
    async addMemberInTransaction(trx: Executor, ctx: OperationContext, group: Group, userId: string): Promise<void> {
      if (!(await lockGroup(trx, ctx.caller.tenantId, group.id))) throw notFound(group.id);
      await addMemberIn(trx, ctx, group, userId, deps.clock.now().toISOString());
    },

    /** Internal: is the user a direct member of the group? */
    isDirectMember: (tenantId: string, groupId: string, userId: string, db: Executor = deps.db) =>
      isDirectMember(db, tenantId, groupId, userId),

    /** POST /groups/{id}/members/$ref. One transaction with "Add member to group". */
    async addMember(ctx: OperationContext, id: string, ref: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const g = await loadGroup(ctx, id);
      await check(ctx, 'group.manageMembers', await facts(ctx, g.id));
      refuseManualMembership(g);
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
        await addMemberIn(trx, ctx, g, ref, deps.clock.now().toISOString());
      });
    },

    /** DELETE /groups/{id}/members/{memberId}/$ref. 404 when not a member. */
    async removeMember(ctx: OperationContext, id: string, memberId: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const g = await loadGroup(ctx, id);
      await check(ctx, 'group.manageMembers', await facts(ctx, g.id));
      refuseManualMembership(g);
      const mid = memberId.toLowerCase();
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
        const user = await deps.users.findUser(tenantId, mid, trx);
        const group = user ? undefined : await findGroup(trx, tenantId, mid);
        if (!(await deleteMember(trx, tenantId, g.id, mid))) throw notFound(memberId);
        const o: Resolved = {
          ref: { id: mid, type: group ? 'group' : 'user' },
          ...(user ? { user } : {}),
          ...(group ? { group } : {}),
        };
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Remove member from group',
          category: 'GroupManagement',
          operationType: 'Unassign',
          targetResources: [groupTarget(g), objectTarget(o, groupProps(g))],
        });
      });
    },

    /** POST /groups/{id}/owners/$ref. Owners are users. One transaction with "Add owner to group". */
    async addOwner(ctx: OperationContext, id: string, ref: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const g = await loadGroup(ctx, id);
      await check(ctx, 'group.manageOwners', await facts(ctx, g.id));
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
        await addOwnerIn(trx, ctx, g, ref, deps.clock.now().toISOString());
      });
    },

    /** DELETE /groups/{id}/owners/{ownerId}/$ref. The last owner of a group cannot be removed. */
    async removeOwner(ctx: OperationContext, id: string, ownerId: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const g = await loadGroup(ctx, id);
      await check(ctx, 'group.manageOwners', await facts(ctx, g.id));
      const oid = ownerId.toLowerCase();
      await deps.db.transaction().execute(async (trx) => {
        // The lock makes "count, then delete" safe against two owners being removed at once.
        if (!(await lockGroup(trx, tenantId, g.id))) throw notFound(id);
        if (!(await isOwner(trx, tenantId, g.id, oid))) throw notFound(ownerId);
        if ((await countOwners(trx, tenantId, g.id)) <= 1) throw new DomainError('group_last_owner');
        await deleteOwner(trx, tenantId, g.id, oid);
        const user = await deps.users.findUser(tenantId, oid, trx);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Remove owner from group',
          category: 'GroupManagement',
          operationType: 'Unassign',
          targetResources: [
            groupTarget(g),
            objectTarget({ ref: { id: oid, type: 'user' }, ...(user ? { user } : {}) }, groupProps(g)),
          ],
        });
      });
    },

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
      const user = await deps.users.getUser(ctx, userKey);
      const self = ctx.caller.kind === 'user' && ctx.caller.userId === user.id;
      if (!self) await check(ctx, 'group.list');
      const ids =
        rel === 'memberOf'
          ? memberOfIds(tenantId, user.id)
          : rel === 'transitiveMemberOf'
            ? transitiveMemberOfIds(tenantId, user.id)
            : ownedGroupIds(tenantId, user.id);
      const page = await listGroups(deps.db, tenantId, q, ids);
      return {
        ...page,
        items: page.items.map((g): DirectoryObject => ({ '@odata.type': '#microsoft.graph.group', ...g })),
      };
    },
  };
  return service;
}

export type GroupsService = ReturnType<typeof createGroupsService>;
