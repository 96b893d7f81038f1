import { idFromODataRef } from '../../../contracts/common.js';
import type { CreateGroupBody, Group, UpdateGroupBody } from '../../../contracts/groups.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, denied, invalid, notFound } from '../../domain/errors.js';
import type { ODataQuery } from '../../odata/query.js';
import { externalIdChange, type UseCaseDeps } from '../audit/audit.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import type { DynamicMembershipService } from './dynamic-membership.service.js';
import type { GroupReferences } from './group-references.js';
import {
  canonicalGroupTypes,
  checkBindCount,
  DYNAMIC,
  defaultJoinPolicy,
  diffGroups,
  groupTarget,
  isDynamic,
  isGroupAdmin,
  isSynced,
  isUnified,
  processingStateOnlyOnDynamic,
  refuseManualMembership,
  UNIFIED,
  validateGroupShape,
} from './group-rules.js';
import { provisionedGroupsResource } from './groups.query.js';
import {
  deleteGroupRow,
  deleteReferencesTo,
  findGroup,
  findGroupExternalIds,
  findGroupsByIds,
  type GroupReferenceSnapshot,
  insertGroup,
  insertGroups,
  insertMembers,
  listGroups,
  lockGroup,
  type ObjectRef,
  restoreGroupRows,
  setGroupExternalId,
  snapshotGroupRows,
  snapshotReferencesTo,
  unifiedMailNicknameTaken,
  updateGroupRow,
} from './groups.repository.js';

export type { GroupReferenceSnapshot } from './groups.repository.js';

export interface GroupsDeps extends UseCaseDeps {
  policies: Pick<PoliciesService, 'groupSettings'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  references: GroupReferences;
  dynamic: Pick<DynamicMembershipService, 'parse' | 'lockForRecompute' | 'recomputeGroup'>;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

/**
 * What only provisioning (SCIM) writes besides the Graph body: the client's `externalId` (a
 * property change: `group.update`) and membership changes by object id (`group.manageMembers`),
 * applied in the same transaction with the same checks and audit records as the `$ref` endpoints.
 * Graph's limit of 20 bound references per request does not apply: SCIM sends whole memberships.
 */
export interface GroupProvisioning {
  externalId?: string | null;
  addMembers?: readonly string[];
  removeMembers?: readonly string[];
}

/** The group object a POST /groups body describes (validated by the caller). */
function newGroup(id: string, now: string, body: CreateGroupBody, groupTypes: string[], tenantDomain: string): Group {
  const unified = groupTypes.includes(UNIFIED);
  const dynamic = groupTypes.includes(DYNAMIC);
  const visibility = body.visibility ?? (unified ? 'Public' : 'Private');
  const onPremisesSyncEnabled = body.onPremisesSyncEnabled ?? null;
  return {
    id,
    displayName: body.displayName,
    description: body.description ?? null,
    mailNickname: body.mailNickname,
    mail: unified && body.mailEnabled ? `${body.mailNickname}@${tenantDomain}` : null,
    mailEnabled: body.mailEnabled,
    securityEnabled: body.securityEnabled,
    groupTypes,
    membershipRule: body.membershipRule ?? null,
    membershipRuleProcessingState: dynamic ? (body.membershipRuleProcessingState ?? 'On') : null,
    onPremisesSyncEnabled,
    visibility,
    isAssignableToRole: body.isAssignableToRole ?? false,
    joinPolicy: body.joinPolicy ?? defaultJoinPolicy({ groupTypes, visibility, onPremisesSyncEnabled }),
    createdDateTime: now,
  };
}

/** Applies a PATCH body's properties to a copy of `existing` (Graph's read-only rules apply). */
function applyGroupPatch(existing: Group, props: Omit<UpdateGroupBody, 'members@odata.bind' | 'owners@odata.bind'>): Group {
  if (props.onPremisesSyncEnabled !== undefined) {
    throw invalid(
      'property_read_only',
      'Property onPremisesSyncEnabled is read-only: it is set only when a group is provisioned from another directory.',
      'onPremisesSyncEnabled',
    );
  }
  if (props.isAssignableToRole !== undefined && props.isAssignableToRole !== existing.isAssignableToRole) {
    throw invalid(
      'property_read_only',
      'Property isAssignableToRole can only be set when the group is created.',
      'isAssignableToRole',
    );
  }
  if (props.mailEnabled !== undefined && props.mailEnabled !== existing.mailEnabled) {
    throw invalid('property_read_only', 'Property mailEnabled cannot be changed after the group is created.', 'mailEnabled');
  }
  const updated: Group = { ...existing };
  if (props.displayName !== undefined) updated.displayName = props.displayName;
  if (props.description !== undefined) updated.description = props.description;
  if (props.securityEnabled !== undefined) updated.securityEnabled = props.securityEnabled;
  if (props.visibility !== undefined) updated.visibility = props.visibility;
  if (props.membershipRule !== undefined) updated.membershipRule = props.membershipRule;
  if (props.joinPolicy !== undefined) updated.joinPolicy = props.joinPolicy;
  if (props.groupTypes !== undefined) {
    updated.groupTypes = canonicalGroupTypes(props.groupTypes);
    if (isUnified(updated) !== isUnified(existing)) {
      throw invalid(
        'group_type_conversion_invalid',
        'A group cannot be converted between a security group and a Microsoft 365 group: groupTypes may only add or remove "DynamicMembership".',
        'groupTypes',
      );
    }
  }
  // A group that becomes dynamic can no longer be joined (its rule decides its members).
  if (isDynamic(updated) && !isDynamic(existing) && props.joinPolicy === undefined) updated.joinPolicy = 'closed';
  if (isDynamic(updated)) {
    updated.membershipRuleProcessingState = props.membershipRuleProcessingState ?? existing.membershipRuleProcessingState ?? 'On';
  } else {
    if (props.membershipRuleProcessingState !== undefined) throw processingStateOnlyOnDynamic();
    updated.membershipRuleProcessingState = null;
    // Turning a dynamic group into an assigned one drops its rule (the members stay).
    if (isDynamic(existing) && props.membershipRule === undefined) updated.membershipRule = null;
  }
  return updated;
}

/** Groups: the group objects themselves (membership is GroupMembersService, deletion the directory module). */
export class GroupsService {
  constructor(private readonly deps: GroupsDeps) {}

  /** Bulk load for `portico seed`: groups as given, in the caller's executor; no authorization, checks or audit. */
  importGroups(db: Executor, tenantId: string, groups: readonly Group[]): Promise<void> {
    return insertGroups(db, tenantId, groups);
  }

  /** Bulk load for `portico seed`: direct memberships as given (no cycle check, no audit). */
  importMembers(db: Executor, tenantId: string, members: readonly { groupId: string; member: ObjectRef }[], now: string) {
    return insertMembers(db, tenantId, members, now);
  }

  /** GET /groups. Members and admins enumerate; limited and restricted guests cannot. */
  async listGroups(ctx: OperationContext, q: ODataQuery): Promise<Page<Group>> {
    await this.deps.access.require(ctx, 'group.list');
    return listGroups(this.deps.db, ctx.caller.tenantId, q);
  }

  /** GET /groups/{id}. Limited guests may read a group by id; restricted guests only their own. */
  async getGroup(ctx: OperationContext, id: string): Promise<Group> {
    const g = await this.deps.references.load(ctx, id);
    await this.deps.access.require(ctx, 'group.read', await this.deps.references.facts(ctx, g.id));
    return g;
  }

  /** SCIM listing: GET /groups' authorization, filtered with the provisioning description (externalId, members/value). */
  async listProvisionedGroups(ctx: OperationContext, q: ODataQuery): Promise<Page<Group>> {
    await this.deps.access.require(ctx, 'group.list');
    return listGroups(this.deps.db, ctx.caller.tenantId, q, undefined, provisionedGroupsResource);
  }

  /** Internal: the SCIM externalIds of groups (callers authorize the read of the groups). */
  externalIdsOf(tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    return findGroupExternalIds(this.deps.db, tenantId, ids);
  }

  /** Internal lookup (no authorization). */
  findGroup(tenantId: string, id: string, db: Executor = this.deps.db): Promise<Group | undefined> {
    return findGroup(db, tenantId, id);
  }

  /** Internal lookup of several groups (no authorization; delta queries, explanations). */
  findGroupsByIds(tenantId: string, ids: readonly string[], db: Executor = this.deps.db): Promise<Group[]> {
    return findGroupsByIds(db, tenantId, ids);
  }

  /** Who may create this group: the security-group switch, or for Microsoft 365 groups their own switch. */
  private async authorizeCreate(ctx: OperationContext, body: CreateGroupBody, unified: boolean): Promise<void> {
    const { caller } = ctx;
    // Microsoft 365 group creation by users follows its own switch (Entra's EnableGroupCreation).
    const m365 = unified ? (await this.deps.policies.groupSettings(caller.tenantId)).usersCanCreateMicrosoft365Groups : undefined;
    const decision = await this.deps.access.decide(ctx, 'group.create', {}, (facts) =>
      m365 === undefined ? facts : { ...facts, allowedToCreateSecurityGroups: m365 },
    );
    if (!decision.allowed) {
      throw new DomainError(
        decision.code,
        unified && caller.kind === 'user' && caller.userType === 'Member'
          ? 'Users cannot create Microsoft 365 groups in this organization: ask an administrator.'
          : decision.reason,
      );
    }
    // Graph: read-only. A synced group comes only from its source directory, never from an API caller.
    if (body.onPremisesSyncEnabled !== undefined && body.onPremisesSyncEnabled !== null && caller.kind !== 'system') {
      throw invalid(
        'property_read_only',
        'Property onPremisesSyncEnabled is read-only: it is set only when a group is provisioned from another directory.',
        'onPremisesSyncEnabled',
      );
    }
    if (body.isAssignableToRole === true && !(await this.deps.access.allows(ctx, 'role.assign'))) {
      throw denied('Only a Global Administrator or Privileged Role Administrator can create role-assignable groups.');
    }
  }

  /**
   * POST /groups. Validates Graph's rules, creates the group with its bound owners and members
   * (all-or-nothing, at most 20) in one transaction with "Add group" / "Add owner to group" /
   * "Add member to group" audit records. A non-admin member who creates a group becomes an owner.
   * `extra`: what SCIM provisions beyond Graph's properties (externalId, members by id). `within`
   * runs last in the same transaction (the directory module: a group created for an application's
   * self-service settings is set there atomically).
   */
  async createGroup(
    ctx: OperationContext,
    body: CreateGroupBody,
    extra: GroupProvisioning = {},
    within?: (trx: Executor, group: Group) => Promise<void>,
  ): Promise<Group> {
    const { caller } = ctx;
    const tenantId = caller.tenantId;
    const groupTypes = canonicalGroupTypes(body.groupTypes ?? []);
    const unified = groupTypes.includes(UNIFIED);
    await this.authorizeCreate(ctx, body, unified);
    const owners = body['owners@odata.bind'] ?? [];
    const members = body['members@odata.bind'] ?? [];
    checkBindCount(owners, members);

    const tenant = await this.deps.tenants.getTenant(tenantId);
    const group = newGroup(this.deps.newId(), this.deps.clock.now().toISOString(), body, groupTypes, tenant.initialDomain);
    if (!isDynamic(group) && body.membershipRuleProcessingState !== undefined) throw processingStateOnlyOnDynamic();
    validateGroupShape(group);
    // A synced group is created by its sync source, which may bind its members; a dynamic one never.
    if ((members.length > 0 || (extra.addMembers?.length ?? 0) > 0) && isDynamic(group)) {
      throw new DomainError('group_dynamic_membership');
    }
    if (isDynamic(group)) this.deps.dynamic.parse(group.membershipRule ?? '');

    const creatorId = caller.kind === 'user' ? caller.userId : null;
    // Entra: a member user "becomes owner of groups it creates"; administrators do not.
    const creatorBecomesOwner = caller.kind === 'user' && caller.userType === 'Member' && !isGroupAdmin(caller);
    const refs = this.deps.references;
    const computes = isDynamic(group) && group.membershipRuleProcessingState === 'On';
    await this.deps.db.transaction().execute(async (trx) => {
      if (computes) await this.deps.dynamic.lockForRecompute(trx, tenantId);
      if (unified && (await unifiedMailNicknameTaken(trx, tenantId, group.mailNickname))) {
        throw new DomainError('group_mail_nickname_conflict', undefined, { target: 'mailNickname' });
      }
      await insertGroup(trx, tenantId, group, creatorId);
      if (extra.externalId != null) await setGroupExternalId(trx, tenantId, group.id, extra.externalId);
      await this.deps.audit.record(trx, ctx, {
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
        await refs.addOwner(trx, ctx, group, creatorId, now);
      }
      for (const ref of owners) await refs.addOwner(trx, ctx, group, ref, now);
      for (const ref of members) await refs.addMember(trx, ctx, group, ref, now);
      for (const ref of extra.addMembers ?? []) await refs.addMember(trx, ctx, group, ref, now);
      if (computes) await this.deps.dynamic.recomputeGroup(trx, ctx, group);
      if (within) await within(trx, group);
    });
    return group;
  }

  /**
   * PATCH /groups/{id}: property changes ("Update group") and `members@odata.bind` /
   * `owners@odata.bind` (≤ 20, all-or-nothing), in one transaction.
   */
  async updateGroup(ctx: OperationContext, id: string, body: UpdateGroupBody, extra: GroupProvisioning = {}): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const refs = this.deps.references;
    const existing = await refs.load(ctx, id);
    const targetFacts = await refs.facts(ctx, existing.id);
    const { 'members@odata.bind': members = [], 'owners@odata.bind': owners = [], ...props } = body;
    const changesProps = Object.values(props).some((v) => v !== undefined) || extra.externalId !== undefined;
    const memberChanges = (extra.addMembers?.length ?? 0) + (extra.removeMembers?.length ?? 0);

    if (changesProps || (members.length === 0 && owners.length === 0 && memberChanges === 0)) {
      await this.deps.access.require(ctx, 'group.update', targetFacts);
    }
    if (members.length > 0 || memberChanges > 0) await this.deps.access.require(ctx, 'group.manageMembers', targetFacts);
    if (owners.length > 0) await this.deps.access.require(ctx, 'group.manageOwners', targetFacts);
    checkBindCount(members, owners);
    if (props.onPremisesSyncEnabled === undefined && changesProps && isSynced(existing)) {
      throw new DomainError('group_synced');
    }
    const updated = applyGroupPatch(existing, props);
    if (props.mailNickname !== undefined) {
      updated.mailNickname = props.mailNickname;
      if (existing.mail !== null) {
        const tenant = await this.deps.tenants.getTenant(tenantId);
        updated.mail = `${props.mailNickname}@${tenant.initialDomain}`;
      }
    }
    validateGroupShape(updated);
    if (members.length > 0 || memberChanges > 0) refuseManualMembership(updated, ctx.caller);
    const ruleChanged = isDynamic(updated) && (!isDynamic(existing) || updated.membershipRule !== existing.membershipRule);
    if (ruleChanged) this.deps.dynamic.parse(updated.membershipRule ?? '');
    // Setting a rule, converting to dynamic or resuming processing recomputes the members from the rule.
    const recompute =
      isDynamic(updated) &&
      updated.membershipRuleProcessingState === 'On' &&
      (ruleChanged || existing.membershipRuleProcessingState !== 'On');
    const changes = diffGroups(existing, updated);
    const externalIdChanged = await externalIdChange(
      extra.externalId,
      async () => (await this.externalIdsOf(tenantId, [existing.id])).get(existing.id) ?? null,
    );
    if (externalIdChanged) changes.push(externalIdChanged);

    if (changes.length === 0 && members.length === 0 && owners.length === 0 && memberChanges === 0) return;
    await this.deps.db.transaction().execute(async (trx) => {
      if (recompute) await this.deps.dynamic.lockForRecompute(trx, tenantId);
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
        if (externalIdChanged) await setGroupExternalId(trx, tenantId, existing.id, extra.externalId ?? null);
        await this.deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update group',
          category: 'GroupManagement',
          operationType: 'Update',
          targetResources: [groupTarget(updated, changes)],
        });
      }
      const now = this.deps.clock.now().toISOString();
      for (const ref of owners) await refs.addOwner(trx, ctx, updated, ref, now);
      for (const ref of members) await refs.addMember(trx, ctx, updated, ref, now);
      for (const memberId of extra.removeMembers ?? []) await refs.removeMember(trx, ctx, updated, memberId);
      for (const ref of extra.addMembers ?? []) await refs.addMember(trx, ctx, updated, ref, now);
      if (recompute) await this.deps.dynamic.recomputeGroup(trx, ctx, updated);
    });
  }

  /**
   * Loads a group for deletion by `ctx` (DELETE /groups/{id}), or 404/403. A synced group can
   * only be deleted by its sync source. The directory module runs the deletion transaction.
   */
  async loadForDelete(ctx: OperationContext, id: string): Promise<Group> {
    const refs = this.deps.references;
    const g = await refs.load(ctx, id);
    await this.deps.access.require(ctx, 'group.delete', await refs.facts(ctx, g.id));
    if (isSynced(g) && ctx.caller.kind !== 'system') throw new DomainError('group_synced');
    return g;
  }

  /** Internal, inside the deletion transaction: the group row with its member and owner rows. */
  deleteGroupRow(trx: Executor, tenantId: string, id: string): Promise<void> {
    return deleteGroupRow(trx, tenantId, id);
  }

  /** Internal, inside a deletion transaction: removes a deleted principal from every group's members and owners. */
  removePrincipalReferences(trx: Executor, tenantId: string, principalId: string): Promise<void> {
    return deleteReferencesTo(trx, tenantId, principalId);
  }

  /** Internal, inside a soft-delete transaction: the group's row, members, owners and memberships, kept for restore. */
  snapshotGroup(trx: Executor, tenantId: string, id: string): Promise<GroupReferenceSnapshot> {
    return snapshotGroupRows(trx, tenantId, id);
  }

  /** Internal, inside a soft-delete transaction: a principal's memberships and group ownerships, kept for restore. */
  snapshotPrincipalReferences(trx: Executor, tenantId: string, principalId: string): Promise<GroupReferenceSnapshot> {
    return snapshotReferencesTo(trx, tenantId, principalId);
  }

  /**
   * Internal, inside a restore transaction: puts a snapshot back (the group row, if it has one, and
   * the memberships and ownerships whose both ends exist). Returns the memberships restored.
   */
  async restoreSnapshot(
    trx: Executor,
    tenantId: string,
    snapshot: GroupReferenceSnapshot,
  ): Promise<{ groupId: string; memberId: string; memberType: string }[]> {
    const rows = await restoreGroupRows(trx, tenantId, snapshot);
    return rows.map((r) => ({ groupId: r.group_id, memberId: r.member_id, memberType: r.member_type }));
  }
}
