import type { Group } from '../../../contracts/groups.js';
import type { CreateGroupJoinRequestBody, GroupJoinRequest, PendingApprovalTarget } from '../../../contracts/requests.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { AuditEntry } from '../audit/audit.service.js';
import type { GroupMembersService } from '../groups/group-members.service.js';
import type { GroupReferences } from '../groups/group-references.js';
import { groupTarget, isDynamic, isGroupAdmin, isSynced } from '../groups/group-rules.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import { renderJoinRequestDecision, renderJoinRequestToOwner } from './request-email.js';
import { RequestService, type RequestServiceDeps, type UserCaller } from './request-workflow.js';
import { countPendingJoinRequests, joinRequests } from './requests.repository.js';

export interface GroupJoinRequestsDeps extends RequestServiceDeps {
  groups: Pick<GroupsService, 'getGroup' | 'findGroup'>;
  references: Pick<GroupReferences, 'facts'>;
  groupMembers: Pick<GroupMembersService, 'addMemberInTransaction' | 'isDirectMember' | 'ownerIdsOf' | 'ownedGroupIdsOf'>;
  policies: Pick<PoliciesService, 'groupSettings'>;
}

const CATEGORY = 'GroupManagement';
const SERVICE = 'Self-service Group Management';

/** Members of dynamic groups come from their rule, of synced groups from their source: nobody joins them. */
function refuseJoin(g: Group): void {
  if (isDynamic(g)) {
    throw new DomainError(
      'group_dynamic_membership',
      `You cannot join ${g.displayName}: the members of a dynamic group come from its membership rule.`,
    );
  }
  if (isSynced(g)) {
    throw new DomainError(
      'group_synced',
      `You cannot join ${g.displayName}: its members are managed in the directory it is synced from.`,
    );
  }
}

/**
 * The tenant's self-service switches: "Restrict user ability to access groups features" keeps
 * non-administrators out; "Owners can manage group membership requests" must be on.
 */
async function requireSelfService(
  deps: Pick<GroupJoinRequestsDeps, 'policies'>,
  ctx: OperationContext,
  what: 'join' | 'decide',
): Promise<void> {
  if (isGroupAdmin(ctx.caller)) return;
  const settings = await deps.policies.groupSettings(ctx.caller.tenantId);
  if (settings.restrictGroupsFeaturesInMyGroups) throw new DomainError('my_groups_restricted');
  if (!settings.selfServiceGroupManagementEnabled) {
    throw new DomainError(
      'my_groups_management_disabled',
      what === 'join'
        ? 'Joining groups in My Groups is turned off in this organization: the setting "Owners can manage group membership requests in My Groups" is off. Ask a group owner to add you.'
        : 'Group owners cannot manage membership requests in My Groups: the setting "Owners can manage group membership requests in My Groups" is off. Ask an administrator.',
    );
  }
}

/**
 * Self-service group membership (entra-behaviour.md §6.4–§6.6): My Groups → Join group (open
 * groups: a member at once) or Request to join (owner approval: any one owner, or a group
 * administrator, approves or rejects). Only while "Owners can manage group membership requests in
 * My Groups" is on. Approving adds the member in the same transaction as the decision.
 */
export class GroupJoinRequestsService extends RequestService<GroupJoinRequest, GroupJoinRequestsDeps> {
  constructor(deps: GroupJoinRequestsDeps) {
    super(deps, {
      store: joinRequests,
      decideAction: 'groupJoinRequest.decide',
      facts: (ctx, r) => deps.references.facts(ctx, r.groupId),
      signedInOnly: 'Join requests are made and decided by signed-in users.',
      cancelByRequesterOnly: 'Only the person who made a request can cancel it; owners reject it instead.',
      selfDecision: 'group_join_request_self_decision',
      notPending: 'group_join_request_not_pending',
      beforeDecision: (ctx) => requireSelfService(deps, ctx, 'decide'),
      decisionMail: 'groupJoinDecision',
    });
  }

  protected decidedTargetIds(tenantId: string, userId: string): Promise<string[]> {
    return this.deps.groupMembers.ownedGroupIdsOf(tenantId, userId);
  }

  protected async auditCancel(trx: Executor, ctx: OperationContext, decided: GroupJoinRequest) {
    const group = await this.deps.groups.findGroup(ctx.caller.tenantId, decided.groupId, trx);
    return this.audit(trx, ctx, 'Cancel a pending request to join a group', decided, group);
  }

  private audit(
    trx: Executor,
    ctx: OperationContext,
    activity: string,
    r: GroupJoinRequest,
    group: Group | undefined,
    extra: Partial<AuditEntry> = {},
  ) {
    const target = group
      ? groupTarget(group)
      : { id: r.groupId, displayName: r.groupDisplayName, type: 'Group' as const, modifiedProperties: [] };
    return this.auditRequest(trx, ctx, { activity, category: CATEGORY, service: SERVICE, target }, r, extra);
  }

  /**
   * POST /groups/{id}/joinRequests: an open group is joined at once ("Add member to group"; the
   * request is stored as approved); a group that needs an owner's approval gets a pending request
   * ("Request to join a group"), and its owners are notified through the outbox; a closed group
   * refuses. Guests join as their access level allows; nobody joins a dynamic or synced group.
   */
  async createRequest(ctx: OperationContext, groupId: string, body: CreateGroupJoinRequestBody): Promise<GroupJoinRequest> {
    await this.deps.access.require(ctx, 'groupJoinRequest.create');
    const caller = this.flow.personOf(ctx);
    const tenantId = caller.tenantId;
    const group = await this.deps.groups.getGroup(ctx, groupId);
    await requireSelfService(this.deps, ctx, 'join');
    refuseJoin(group);
    if (group.joinPolicy === 'closed') {
      throw new DomainError(
        'group_join_request_closed',
        `${group.displayName} does not take join requests: its owners add members.`,
      );
    }
    if (await this.deps.groupMembers.isDirectMember(tenantId, group.id, caller.userId)) {
      throw new DomainError('group_join_request_already_member', `You are already a member of ${group.displayName}.`);
    }
    const duplicate = () =>
      new DomainError('group_join_request_duplicate', `You already have a pending request to join ${group.displayName}.`);
    if (await joinRequests.pendingExists(this.deps.db, tenantId, group.id, caller.userId)) throw duplicate();
    const owners = group.joinPolicy === 'ownerApproval' ? await this.deps.groupMembers.ownerIdsOf(tenantId, group.id) : [];
    if (group.joinPolicy === 'ownerApproval' && owners.length === 0) {
      throw new DomainError(
        'group_join_request_closed',
        `${group.displayName} has no owner to approve requests: ask an administrator to add you.`,
      );
    }
    const requester = await this.deps.users.findUser(tenantId, caller.userId);
    if (!requester) throw notFound(caller.userId);
    const open = group.joinPolicy === 'open';
    const now = this.now();
    const request: GroupJoinRequest = {
      id: this.deps.newId(),
      status: open ? 'approved' : 'pending',
      groupId: group.id,
      groupDisplayName: group.displayName,
      requesterId: requester.id,
      requesterDisplayName: requester.displayName,
      requesterUserPrincipalName: requester.userPrincipalName,
      justification: body.justification?.trim() || null,
      createdDateTime: now,
      decidedById: null,
      decidedByDisplayName: null,
      decidedDateTime: open ? now : null,
      decisionReason: null,
    };
    const tenant = await this.deps.tenants.getTenant(tenantId);
    await this.deps.db.transaction().execute(async (trx) => {
      try {
        await joinRequests.insert(trx, tenantId, request);
      } catch (err) {
        throw asUniqueViolation(err) ? duplicate() : err;
      }
      // Entra: joining an open group is simply "Add member to group".
      if (open) return this.deps.groupMembers.addMemberInTransaction(trx, ctx, group, requester.id);
      await this.audit(trx, ctx, 'Request to join a group', request, group, { operationType: 'Add' });
      const sent = await this.notifyDeciders(trx, tenant, 'groupJoinRequest', owners, request, requester, (asked) =>
        renderJoinRequestToOwner({
          ...asked,
          groupName: group.displayName,
          justification: request.justification,
          reviewUrl: `${this.deps.config.publicUrl}/mygroups?view=approvals`,
        }),
      );
      if (sent > 0) {
        await this.audit(trx, ctx, 'ApprovalNotification_Create', request, group, {
          operationType: 'Add',
          additionalDetails: [
            { key: 'RequestId', value: request.id },
            { key: 'Recipients', value: String(sent) },
          ],
        });
      }
    });
    return request;
  }

  /**
   * POST /groupJoinRequests/{id}/approve: adds the requester as a member in one transaction with
   * "Approve a pending request to join a group" and the mail to the requester. When the group can
   * no longer take members by hand (it became dynamic or synced), the request is marked failed and
   * 409 is answered.
   */
  async approve(ctx: OperationContext, id: string, reason: string | null): Promise<GroupJoinRequest> {
    const { request, decider } = await this.flow.loadForDecision(ctx, id);
    const tenantId = decider.tenantId;
    const group = await this.deps.groups.findGroup(tenantId, request.groupId);
    if (!group) throw notFound(request.groupId);
    const problem =
      isDynamic(group) || isSynced(group)
        ? `${group.displayName} no longer takes members by hand: its members now come from ${isDynamic(group) ? 'a membership rule' : 'the directory it is synced from'}.`
        : undefined;
    return this.flow.approve(request, decider, reason, {
      plan: async (trx) => {
        const requester = await this.deps.users.findUser(tenantId, request.requesterId, trx);
        const failure = problem ?? (requester ? undefined : 'The requester no longer exists.');
        if (failure || !requester) return { problem: failure ?? '' };
        return {
          requester,
          grant: async () => {
            if (!(await this.deps.groupMembers.isDirectMember(tenantId, group.id, requester.id, trx))) {
              await this.deps.groupMembers.addMemberInTransaction(trx, ctx, group, requester.id);
            }
          },
          mail: renderJoinRequestDecision({
            approved: true,
            groupName: group.displayName,
            deciderName: decider.displayName,
            reason,
            groupUrl: `${this.deps.config.publicUrl}/mygroups/${group.id}`,
          }),
        };
      },
      audit: (trx, decided, extra) => this.audit(trx, ctx, 'Approve a pending request to join a group', decided, group, extra),
      outdated: (failed) =>
        new DomainError(
          'group_join_request_outdated',
          `${failed} The request can no longer be approved and is marked as failed.`,
        ),
    });
  }

  protected readonly refusedStatus = 'rejected';

  /** Rejecting: "Reject a pending request to join a group" and mail to the requester. */
  protected async refusal(ctx: OperationContext, request: GroupJoinRequest, decider: UserCaller, reason: string) {
    const group = await this.deps.groups.findGroup(decider.tenantId, request.groupId);
    const mail = renderJoinRequestDecision({
      approved: false,
      groupName: request.groupDisplayName,
      deciderName: decider.displayName,
      reason,
      groupUrl: `${this.deps.config.publicUrl}/mygroups`,
    });
    const audit = (trx: Executor, decided: GroupJoinRequest) =>
      this.audit(trx, ctx, 'Reject a pending request to join a group', decided, group);
    return { mail, audit };
  }

  /** A group's requests: its owners and group administrators decide them. */
  protected async loadTarget(ctx: OperationContext, groupId: string) {
    const group = await this.deps.groups.getGroup(ctx, groupId);
    return { id: group.id, facts: await this.deps.references.facts(ctx, group.id) };
  }

  /** The owned groups with pending join requests, and how many (My Apps' badge, My Groups' Approvals). */
  async pendingFor(ctx: OperationContext, userId: string): Promise<PendingApprovalTarget[]> {
    const tenantId = ctx.caller.tenantId;
    const owned = await this.deps.groupMembers.ownedGroupIdsOf(tenantId, userId);
    const counts = await countPendingJoinRequests(this.deps.db, tenantId, owned, userId);
    return counts
      .map((c) => ({ id: c.groupId, displayName: c.groupDisplayName, pendingCount: c.n }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id));
  }
}
