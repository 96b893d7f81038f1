import { DEFAULT_APP_ROLE_ID, type ServicePrincipal } from '../../../contracts/applications.js';
import type { Group } from '../../../contracts/groups.js';
import type {
  AppAccessRequest,
  CreateAppAccessRequestBody,
  PendingApprovalTarget,
  RequestableApp,
} from '../../../contracts/requests.js';
import type { User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { ODataQuery } from '../../odata/query.js';
import { spTarget } from '../applications/application-rules.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { AuditEntry } from '../audit/audit.service.js';
import { isDynamic, isSynced } from '../groups/group-rules.js';
import { renderAppRequestDecision, renderAppRequestToApprover } from './request-email.js';
import { RequestService, type RequestServiceDeps, type UserCaller } from './request-workflow.js';
import { appRequests } from './requests.repository.js';

export interface AppAccessRequestsDeps extends RequestServiceDeps {
  applications: Pick<
    ApplicationsService,
    | 'getServicePrincipal'
    | 'findServicePrincipal'
    | 'listRequestableApps'
    | 'assignedAppIdsOf'
    | 'appsDecidedBy'
    | 'selfServiceFacts'
    | 'lockForGrant'
    | 'ensureSelfServiceAssignment'
    | 'accessOf'
  >;
}

type Page<T> = { items: T[]; skiptoken?: string };
const CATEGORY = 'ApplicationManagement';
const SERVICE = 'MyApps';

/** Why a pending request can no longer be granted as it was made, if it cannot. */
function outdatedReason(
  r: AppAccessRequest,
  sp: ServicePrincipal | undefined,
  group: Group | undefined,
  requester: User | undefined,
): string | undefined {
  if (!sp) return 'The application was deleted.';
  const s = sp.selfServiceAccess;
  if (!s.enabled || !sp.accountEnabled) return `Self-service access to ${sp.displayName} was turned off.`;
  if (s.groupId !== r.groupId) return `The self-service group of ${sp.displayName} changed since the request was made.`;
  if (!group) return 'The self-service group of the application was deleted.';
  if (isDynamic(group) || isSynced(group)) return `The group ${group.displayName} no longer takes members by hand.`;
  if (!requester) return 'The requester no longer exists.';
  return undefined;
}

/**
 * Self-service application access (entra-behaviour.md §7.4, §8.2): My Apps → Request new apps.
 * Without approval a request is granted at once; with approval, any one of the application's
 * approvers (or its owners, or an application administrator) approves or denies it. Granting
 * adds the requester to the application's self-service group, whose assignment carries the
 * chosen role, in the same transaction as the decision and its audit record.
 */
export class AppAccessRequestsService extends RequestService<AppAccessRequest, AppAccessRequestsDeps> {
  constructor(deps: AppAccessRequestsDeps) {
    super(deps, {
      store: appRequests,
      decideAction: 'appAccessRequest.decide',
      facts: async (ctx, r) => {
        const sp = await deps.applications.findServicePrincipal(ctx.caller.tenantId, r.servicePrincipalId);
        return sp ? deps.applications.selfServiceFacts(ctx, sp) : {};
      },
      signedInOnly: 'Access requests are made and decided by signed-in users.',
      cancelByRequesterOnly: 'Only the person who made a request can cancel it; approvers deny it instead.',
      selfDecision: 'app_access_request_self_decision',
      notPending: 'app_access_request_not_pending',
      decisionMail: 'appAccessDecision',
    });
  }

  protected async decidedTargetIds(tenantId: string, userId: string): Promise<string[]> {
    return (await this.deps.applications.appsDecidedBy(tenantId, userId)).map((a) => a.sp.id);
  }

  protected auditCancel(trx: Executor, ctx: OperationContext, decided: AppAccessRequest) {
    return this.audit(trx, ctx, 'Cancel a pending request to access an application', decided);
  }

  private myAppsUrl(path = ''): string {
    return `${this.deps.config.publicUrl}/myapps${path}`;
  }

  private audit(trx: Executor, ctx: OperationContext, activity: string, r: AppAccessRequest, extra: Partial<AuditEntry> = {}) {
    const target = spTarget({ id: r.servicePrincipalId, displayName: r.appDisplayName });
    return this.auditRequest(
      trx,
      ctx,
      { activity, category: CATEGORY, service: SERVICE, target, justification: 'always' },
      r,
      extra,
    );
  }

  /** Adds the requester to the self-service group and makes sure the group holds the app's self-service role. */
  private async grant(trx: Executor, ctx: OperationContext, sp: ServicePrincipal, group: Group, requesterId: string) {
    const tenantId = ctx.caller.tenantId;
    if (!(await this.deps.groupMembers.isDirectMember(tenantId, group.id, requesterId, trx))) {
      await this.deps.groupMembers.addMemberInTransaction(trx, ctx, group, requesterId);
    }
    await this.deps.applications.ensureSelfServiceAssignment(trx, ctx, sp);
  }

  /**
   * GET /me/requestableApps: the applications the signed-in user may request (self-service on,
   * enabled, not hidden), with whether they already have access or a pending request. Discovery
   * follows the guest access level: guests who may not list applications get 403 (they can still
   * request an application they have the link of).
   */
  async listRequestableApps(ctx: OperationContext, userId: string, q: ODataQuery): Promise<Page<RequestableApp>> {
    await this.deps.access.require(ctx, 'appAccessRequest.create');
    await this.deps.access.require(ctx, 'application.list');
    const tenantId = ctx.caller.tenantId;
    const page = await this.deps.applications.listRequestableApps(tenantId, q);
    const assigned = await this.deps.applications.assignedAppIdsOf(tenantId, userId);
    const pending = await appRequests.pendingIds(
      this.deps.db,
      tenantId,
      userId,
      page.items.map((sp) => sp.id),
    );
    return {
      ...(page.skiptoken ? { skiptoken: page.skiptoken } : {}),
      items: page.items.map((sp) => ({
        id: sp.id,
        appId: sp.appId,
        displayName: sp.displayName,
        description: sp.description,
        logoUrl: sp.info.logoUrl,
        requireApproval: sp.selfServiceAccess.requireApproval,
        hasAccess: assigned.has(sp.id),
        pendingRequestId: pending.get(sp.id) ?? null,
      })),
    };
  }

  /**
   * POST /servicePrincipals/{id}/accessRequests: the signed-in user asks for access with a business
   * justification. Without approval: granted at once (the app appears in My Apps). With approval:
   * pending, and each approver with an e-mail address is notified through the outbox. One
   * transaction with "Request access to an application"; a second pending request is refused.
   */
  async createRequest(ctx: OperationContext, key: string, body: CreateAppAccessRequestBody): Promise<AppAccessRequest> {
    await this.deps.access.require(ctx, 'appAccessRequest.create');
    const caller = this.flow.personOf(ctx);
    const tenantId = caller.tenantId;
    const sp = await this.deps.applications.getServicePrincipal(ctx, key);
    const disabled = () =>
      new DomainError(
        'app_access_request_disabled',
        `${sp.displayName} does not take access requests: self-service access is off.`,
      );
    if (!sp.selfServiceAccess.enabled || !sp.accountEnabled) throw disabled();
    if ((await this.deps.applications.accessOf(tenantId, sp.id, caller.userId)).assigned) {
      throw new DomainError('app_access_request_already_assigned', `You already have access to ${sp.displayName}.`);
    }
    const duplicate = () =>
      new DomainError('app_access_request_duplicate', `You already have a pending request for ${sp.displayName}.`);
    if (await appRequests.pendingExists(this.deps.db, tenantId, sp.id, caller.userId)) throw duplicate();
    const requester = await this.deps.users.findUser(tenantId, caller.userId);
    if (!requester) throw notFound(caller.userId);
    const tenant = await this.deps.tenants.getTenant(tenantId);

    return this.deps.db.transaction().execute(async (trx) => {
      // The settings as they are under the application's lock decide.
      const current = await this.deps.applications.lockForGrant(trx, tenantId, sp.id);
      const s = current?.selfServiceAccess;
      if (!current || !s?.enabled || s.groupId === null) throw disabled();
      const group = await this.deps.groups.findGroup(tenantId, s.groupId, trx);
      if (!group || isDynamic(group) || isSynced(group)) throw disabled();
      const now = this.now();
      const request: AppAccessRequest = {
        id: this.deps.newId(),
        status: s.requireApproval ? 'pending' : 'approved',
        servicePrincipalId: current.id,
        appId: current.appId,
        appDisplayName: current.displayName,
        requesterId: requester.id,
        requesterDisplayName: requester.displayName,
        requesterUserPrincipalName: requester.userPrincipalName,
        justification: body.justification,
        groupId: s.groupId,
        appRoleId: s.appRoleId ?? DEFAULT_APP_ROLE_ID,
        requireApproval: s.requireApproval,
        createdDateTime: now,
        decidedById: null,
        decidedByDisplayName: null,
        decidedDateTime: s.requireApproval ? null : now,
        decisionReason: null,
      };
      try {
        await appRequests.insert(trx, tenantId, request);
      } catch (err) {
        throw asUniqueViolation(err) ? duplicate() : err;
      }
      await this.audit(trx, ctx, 'Request access to an application', request, {
        operationType: 'Add',
        additionalDetails: [
          { key: 'RequestId', value: request.id },
          { key: 'Justification', value: request.justification },
          { key: 'ApprovalRequired', value: String(s.requireApproval) },
        ],
      });
      if (!s.requireApproval) {
        await this.grant(trx, ctx, current, group, requester.id);
        return request;
      }
      await this.notifyDeciders(trx, tenant, 'appAccessRequest', s.approverIds, request, requester, (asked) =>
        renderAppRequestToApprover({
          ...asked,
          appName: current.displayName,
          justification: request.justification,
          reviewUrl: this.myAppsUrl(`/manage/${current.id}?view=requests`),
        }),
      );
      return request;
    });
  }

  /**
   * POST /appAccessRequests/{id}/approve: adds the requester to the self-service group (and makes
   * sure the group holds the role) in one transaction with the decision, "Approve a pending request
   * to access an application" and the mail to the requester. When the application or its group
   * changed since the request was made, the request is marked failed instead and 409 is answered.
   */
  async approve(ctx: OperationContext, id: string, reason: string | null): Promise<AppAccessRequest> {
    const { request, decider } = await this.flow.loadForDecision(ctx, id);
    const tenantId = decider.tenantId;
    return this.flow.approve(request, decider, reason, {
      plan: async (trx) => {
        const sp = await this.deps.applications.lockForGrant(trx, tenantId, request.servicePrincipalId);
        const groupId = sp?.selfServiceAccess.groupId;
        const group = groupId ? await this.deps.groups.findGroup(tenantId, groupId, trx) : undefined;
        const requester = await this.deps.users.findUser(tenantId, request.requesterId, trx);
        const problem = outdatedReason(request, sp, group, requester);
        if (problem || !sp || !group || !requester) return { problem: problem ?? '' };
        return {
          requester,
          grant: () => this.grant(trx, ctx, sp, group, requester.id),
          mail: renderAppRequestDecision({
            approved: true,
            appName: sp.displayName,
            deciderName: decider.displayName,
            reason,
            myAppsUrl: this.myAppsUrl(),
          }),
        };
      },
      audit: (trx, decided, extra) => this.audit(trx, ctx, 'Approve a pending request to access an application', decided, extra),
      outdated: (problem) =>
        new DomainError(
          'app_access_request_outdated',
          `${problem} The request can no longer be granted and is marked as failed; ${request.requesterDisplayName} can request access again.`,
        ),
    });
  }

  protected readonly refusedStatus = 'denied';

  /** Denying: "Deny a pending request to access an application" and mail to the requester. */
  protected async refusal(ctx: OperationContext, request: AppAccessRequest, decider: UserCaller, reason: string) {
    const mail = renderAppRequestDecision({
      approved: false,
      appName: request.appDisplayName,
      deciderName: decider.displayName,
      reason,
      myAppsUrl: this.myAppsUrl(),
    });
    const audit = (trx: Executor, decided: AppAccessRequest) =>
      this.audit(trx, ctx, 'Deny a pending request to access an application', decided);
    return { mail, audit };
  }

  /** An application's requests: its approvers, owners and application administrators decide them. */
  protected async loadTarget(ctx: OperationContext, key: string) {
    const sp = await this.deps.applications.getServicePrincipal(ctx, key);
    return { id: sp.id, facts: await this.deps.applications.selfServiceFacts(ctx, sp) };
  }

  /** The applications the user decides requests for, with their pending counts (My Apps' badge). */
  async pendingFor(ctx: OperationContext, userId: string): Promise<PendingApprovalTarget[]> {
    const tenantId = ctx.caller.tenantId;
    const apps = await this.deps.applications.appsDecidedBy(tenantId, userId);
    const counts = await appRequests.countPending(
      this.deps.db,
      tenantId,
      apps.map((a) => a.sp.id),
      userId,
    );
    return apps.map(({ sp }) => ({ id: sp.id, displayName: sp.displayName, pendingCount: counts.get(sp.id) ?? 0 }));
  }
}
