import { idFromODataRef } from '../../../contracts/common.js';
import type { DirectoryObject, Group } from '../../../contracts/groups.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { TargetFacts } from '../../domain/authorization.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import type { Access } from '../access/access.js';
import type { AuditService } from '../audit/audit.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  asDirectoryObject,
  groupProps,
  groupTarget,
  isUnified,
  objectTarget,
  type Resolved,
  refExists,
  refuseManualMembership,
} from './group-rules.js';
import {
  containsTransitively,
  deleteMember,
  findGroup,
  findGroupsByIds,
  insertMember,
  insertOwner,
  isDirectMember,
  isOwner,
  type ObjectRef,
} from './groups.repository.js';

export interface GroupReferencesDeps {
  db: Executor;
  audit: AuditService;
  users: Pick<UsersService, 'findUser' | 'findUsersByIds'>;
  access: Access;
}

/**
 * What the group use cases share: loading a group for a caller (with the facts the policy needs)
 * and writing member/owner references with every check and their audit records. Used inside the
 * transactions of GroupsService (bound members at creation) and GroupMembersService.
 */
/** An insert of a member or owner row; one that is already there (a concurrent add) is `refExists`. */
async function insertOnce(rel: 'members' | 'owners', insert: Promise<unknown>): Promise<void> {
  try {
    await insert;
  } catch (err) {
    throw asUniqueViolation(err) ? refExists(rel) : err;
  }
}

export class GroupReferences {
  constructor(private readonly deps: GroupReferencesDeps) {}

  /** Ownership and direct membership of the calling user (apps and the system have neither). */
  async facts(ctx: OperationContext, groupId: string): Promise<TargetFacts> {
    const c = ctx.caller;
    if (c.kind !== 'user') return {};
    const [owner, member] = await Promise.all([
      isOwner(this.deps.db, c.tenantId, groupId, c.userId),
      isDirectMember(this.deps.db, c.tenantId, groupId, c.userId),
    ]);
    return { isOwner: owner, isMember: member };
  }

  /**
   * Loads a group for an operation, or 404. Existence is only revealed to callers who may read
   * groups at all (a restricted guest gets 403 either way).
   */
  async load(ctx: OperationContext, id: string): Promise<Group> {
    const g = await findGroup(this.deps.db, ctx.caller.tenantId, id);
    if (!g) {
      await this.deps.access.require(ctx, 'group.read');
      throw notFound(id);
    }
    return g;
  }

  /** Resolves an `@odata.id` reference (or bare id) to a user or group of the tenant, or 404. */
  async resolve(db: Executor, tenantId: string, ref: string): Promise<Resolved> {
    const id = idFromODataRef(ref);
    if (id === undefined) {
      throw invalid(
        'object_reference_invalid',
        `Invalid object identifier '${ref}': expected a URL ending in /directoryObjects/{id}, /users/{id} or /groups/{id}.`,
        '@odata.id',
      );
    }
    const user = await this.deps.users.findUser(tenantId, id, db);
    if (user) return { ref: { id, type: 'user' }, user };
    const group = await findGroup(db, tenantId, id);
    if (group) return { ref: { id, type: 'group' }, group };
    throw notFound(id);
  }

  /**
   * Adds a member inside `trx` with every check; the caller has authorized and locked the group.
   * Every manual path (bind, `$ref`, My Groups, invitations, requests) comes through here, so
   * dynamic and synced groups are refused here whatever the caller checked before.
   */
  async addMember(trx: Executor, ctx: OperationContext, group: Group, ref: string, now: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    // Read under the caller's lock: a concurrent PATCH may have made the group dynamic since it was loaded.
    const current = await findGroup(trx, tenantId, group.id);
    if (!current) throw notFound(group.id);
    refuseManualMembership(current, ctx.caller);
    const o = await this.resolve(trx, tenantId, ref);
    if (o.ref.type === 'group' && isUnified(group)) {
      throw new DomainError(
        'group_member_type_invalid',
        'Only users can be members of a Microsoft 365 group; groups can be nested in security groups only.',
      );
    }
    if (o.ref.type === 'group' && (await containsTransitively(trx, tenantId, o.ref.id, group.id))) {
      throw new DomainError(
        'group_membership_cycle',
        o.ref.id === group.id
          ? 'A group cannot be a member of itself.'
          : `The group '${o.group?.displayName ?? o.ref.id}' cannot be added as a member: it already contains this group, directly or through nested groups, so adding it would create a membership cycle.`,
      );
    }
    if (await isDirectMember(trx, tenantId, group.id, o.ref.id)) throw refExists('members');
    await insertOnce('members', insertMember(trx, tenantId, group.id, o.ref, now));
    await this.auditReference(trx, ctx, 'Add member to group', 'Assign', group, o);
  }

  /** Removes a direct member inside `trx` with its audit record, or 404; the caller has authorized and locked the group. */
  async removeMember(trx: Executor, ctx: OperationContext, group: Group, memberId: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const mid = memberId.toLowerCase();
    const user = await this.deps.users.findUser(tenantId, mid, trx);
    const member = user ? undefined : await findGroup(trx, tenantId, mid);
    if (!(await deleteMember(trx, tenantId, group.id, mid))) throw notFound(memberId);
    const o: Resolved = {
      ref: { id: mid, type: member ? 'group' : 'user' },
      ...(user ? { user } : {}),
      ...(member ? { group: member } : {}),
    };
    await this.auditReference(trx, ctx, 'Remove member from group', 'Unassign', group, o);
  }

  /** Adds an owner (users only) inside `trx`; the caller has authorized and locked the group. */
  async addOwner(trx: Executor, ctx: OperationContext, group: Group, ref: string, now: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const o = await this.resolve(trx, tenantId, ref);
    if (o.ref.type !== 'user') throw new DomainError('group_member_type_invalid', 'Only users can be owners of a group.');
    if (await isOwner(trx, tenantId, group.id, o.ref.id)) throw refExists('owners');
    await insertOnce('owners', insertOwner(trx, tenantId, group.id, o.ref.id, now));
    await this.auditReference(trx, ctx, 'Add owner to group', 'Assign', group, o);
  }

  /** The audit record of a member or owner added or removed. */
  private auditReference(
    trx: Executor,
    ctx: OperationContext,
    activity: string,
    operationType: 'Assign' | 'Unassign',
    group: Group,
    o: Resolved,
  ) {
    return this.deps.audit.record(trx, ctx, {
      activityDisplayName: activity,
      category: 'GroupManagement',
      operationType,
      targetResources: [groupTarget(group), objectTarget(o, groupProps(group))],
    });
  }

  /** The directory objects behind a page of references, in the page's order. */
  async loadObjects(tenantId: string, refs: readonly ObjectRef[]): Promise<DirectoryObject[]> {
    const userIds = refs.filter((r) => r.type === 'user').map((r) => r.id);
    const groupIds = refs.filter((r) => r.type === 'group').map((r) => r.id);
    const [users, groups] = await Promise.all([
      this.deps.users.findUsersByIds(tenantId, userIds),
      findGroupsByIds(this.deps.db, tenantId, groupIds),
    ]);
    const byId = new Map<string, DirectoryObject | undefined>([
      ...users.map((u): [string, DirectoryObject | undefined] => [u.id, asDirectoryObject({ user: u })]),
      ...groups.map((g): [string, DirectoryObject | undefined] => [g.id, asDirectoryObject({ group: g })]),
    ]);
    return refs.map((r) => byId.get(r.id)).filter((o): o is DirectoryObject => o !== undefined);
  }
}
