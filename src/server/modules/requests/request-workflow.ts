import type { ErrorCode } from '../../../contracts/errors.js';
import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { Action, Caller, TargetFacts } from '../../domain/authorization.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, denied, invalid, notFound } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import { type AuditEntry, type TargetResource, type UseCaseDeps, userTarget } from '../audit/audit.service.js';
import type { GroupMembersService } from '../groups/group-members.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import type { UsersService } from '../users/users.service.js';
import { type AskedOf, enqueueRequestMail, type RenderedMail, type RequestMailDeps } from './request-email.js';
import { type Decision, decisionBy, type RequestScope } from './requests.repository.js';

export type UserCaller = Extract<Caller, { kind: 'user' }>;
type Page<T> = { items: T[]; skiptoken?: string };

/** What every kind of request has: who made it, and where it stands. */
interface RequestRecord {
  id: string;
  requesterId: string;
  status: string;
}

/** The store of one kind of request (`appRequests`, `joinRequests` in the repository). */
interface RequestStore<R> {
  find(db: Executor, tenantId: string, id: string): Promise<R | undefined>;
  decide(db: Executor, tenantId: string, id: string, d: Decision<string>): Promise<R | undefined>;
  list(db: Executor, tenantId: string, scope: RequestScope, q: ODataQuery): Promise<Page<R>>;
}

/** What one kind of request (application access, group join) brings to the shared life cycle. */
export interface RequestKind<R extends RequestRecord> {
  store: RequestStore<R>;
  /** The action of those who decide requests of this kind, and the facts about one request's target. */
  decideAction: Action;
  facts(ctx: OperationContext, request: R): Promise<TargetFacts>;
  /** The refusal of a caller who is not a signed-in person. */
  signedInOnly: string;
  /** The refusal of someone other than the requester who tries to cancel. */
  cancelByRequesterOnly: string;
  selfDecision: ErrorCode;
  notPending: ErrorCode;
  /** Checked once the caller may decide and the request is not their own (e.g. the tenant's self-service switch). */
  beforeDecision?(ctx: OperationContext): Promise<void>;
  /** The outbox kind of the mail that tells the requester the decision. */
  decisionMail: string;
}

/** What both request services are built from (`createServices` builds it once); each adds what its kind needs. */
export interface RequestServiceDeps extends UseCaseDeps, RequestMailDeps {
  config: Pick<Config, 'publicUrl' | 'mailFrom'>;
  users: Pick<UsersService, 'findUser' | 'findUsersByIds'>;
  groups: Pick<GroupsService, 'findGroup'>;
  groupMembers: Pick<GroupMembersService, 'addMemberInTransaction' | 'isDirectMember'>;
  tenants: Pick<TenantsService, 'getTenant'>;
}

type RequestWorkflowDeps = Pick<RequestServiceDeps, 'db' | 'clock' | 'newId' | 'access' | 'config' | 'users' | 'tenants'>;

/** How an approval goes on once the current state is read: a problem fails the request, else the grant and the mail. */
type ApprovalPlan = { problem: string } | { requester: User; grant(): Promise<void>; mail: RenderedMail };

/**
 * The life cycle both kinds of request share (pending → approved, denied/rejected, canceled or
 * failed): who sees a request, who decides it, the guarded transition out of `pending`, and the
 * decision's transaction with its audit record and the mail to the requester.
 */
export class RequestWorkflow<R extends RequestRecord> {
  constructor(
    private readonly deps: RequestWorkflowDeps,
    private readonly kind: RequestKind<R>,
  ) {}

  /** Requests are made and decided by people signed in to the portal. */
  personOf(ctx: OperationContext): UserCaller {
    const c = ctx.caller;
    if (c.kind !== 'user') throw invalid('me_requires_delegated_token', this.kind.signedInOnly);
    return c;
  }

  notPending(): DomainError {
    return new DomainError(this.kind.notPending);
  }

  /**
   * Loads a request for the caller: its requester and those who decide it see it; anyone else
   * gets 403 (404 when there is no such request). Applications never see requests.
   */
  async loadVisible(ctx: OperationContext, id: string) {
    if (ctx.caller.kind !== 'user') await this.deps.access.require(ctx, this.kind.decideAction);
    const request = isGuid(id) ? await this.kind.store.find(this.deps.db, ctx.caller.tenantId, id) : undefined;
    if (!request) throw notFound(id);
    const decision = await this.deps.access.decide(ctx, this.kind.decideAction, await this.kind.facts(ctx, request));
    const mine = ctx.caller.kind === 'user' && ctx.caller.userId === request.requesterId;
    if (!mine && !decision.allowed) throw new DomainError(decision.code, decision.reason);
    return { request, decision, mine };
  }

  /** A request the caller is about to approve or refuse: they may decide it, it is not their own, it is pending. */
  async loadForDecision(ctx: OperationContext, id: string): Promise<{ request: R; decider: UserCaller }> {
    const { request, decision, mine } = await this.loadVisible(ctx, id);
    const decider = this.personOf(ctx);
    if (!decision.allowed) throw new DomainError(decision.code, decision.reason);
    if (mine) throw new DomainError(this.kind.selfDecision);
    await this.kind.beforeDecision?.(ctx);
    if (request.status !== 'pending') throw this.notPending();
    return { request, decider };
  }

  /** The guarded transition out of `pending`, recorded by `who` now; refused when someone decided first. */
  private async record(trx: Executor, who: UserCaller, id: string, status: string, reason: string | null): Promise<R> {
    const at = this.deps.clock.now().toISOString();
    const decided = await this.kind.store.decide(trx, who.tenantId, id, decisionBy(who, status, reason, at));
    if (!decided) throw this.notPending();
    return decided;
  }

  private notify(
    trx: Executor,
    tenant: { id: string; initialDomain: string },
    requester: User | undefined,
    mail: RenderedMail,
    r: R,
  ) {
    return enqueueRequestMail(this.deps, trx, tenant, this.kind.decisionMail, requester ? [requester] : [], mail, {
      'X-Portico-Request-Id': r.id,
    });
  }

  /**
   * Approves `request` in one transaction: `plan` reads the current state in it. A problem marks the
   * request failed (audited as a failure) and is thrown as `outdated` after the commit; otherwise
   * the grant, the audit record and the mail to the requester go with the decision.
   */
  async approve(
    request: R,
    decider: UserCaller,
    reason: string | null,
    steps: {
      plan(trx: Executor): Promise<ApprovalPlan>;
      audit(trx: Executor, decided: R, extra?: Partial<AuditEntry>): Promise<unknown>;
      outdated(problem: string): DomainError;
    },
  ): Promise<R> {
    const tenant = await this.deps.tenants.getTenant(decider.tenantId);
    const outcome = await this.deps.db.transaction().execute(async (trx): Promise<{ failed: string } | { approved: R }> => {
      const plan = await steps.plan(trx);
      const problem = 'problem' in plan ? plan.problem : undefined;
      const decided = await this.record(trx, decider, request.id, problem ? 'failed' : 'approved', problem ?? reason);
      if ('problem' in plan) {
        await steps.audit(trx, decided, { result: 'failure', resultReason: plan.problem });
        return { failed: plan.problem };
      }
      await plan.grant();
      await steps.audit(trx, decided);
      await this.notify(trx, tenant, plan.requester, plan.mail, request);
      return { approved: decided };
    });
    if ('failed' in outcome) throw steps.outdated(outcome.failed);
    return outcome.approved;
  }

  /** Denies (rejects) `request` with a reason: one transaction with the decision, `audit` and the mail to the requester. */
  async refuse(
    request: R,
    decider: UserCaller,
    status: string,
    reason: string,
    audit: (trx: Executor, decided: R) => Promise<unknown>,
    mail: RenderedMail,
  ): Promise<R> {
    const tenant = await this.deps.tenants.getTenant(decider.tenantId);
    return this.deps.db.transaction().execute(async (trx) => {
      const decided = await this.record(trx, decider, request.id, status, reason);
      await audit(trx, decided);
      const requester = await this.deps.users.findUser(decider.tenantId, request.requesterId, trx);
      await this.notify(trx, tenant, requester, mail, request);
      return decided;
    });
  }

  /** The requester withdraws a pending request: one transaction with the cancellation and `audit`. */
  async cancel(
    ctx: OperationContext,
    id: string,
    reason: string | null,
    audit: (trx: Executor, decided: R) => Promise<unknown>,
  ): Promise<R> {
    const { request, mine } = await this.loadVisible(ctx, id);
    const caller = this.personOf(ctx);
    if (!mine) throw denied(this.kind.cancelByRequesterOnly);
    if (request.status !== 'pending') throw this.notPending();
    return this.deps.db.transaction().execute(async (trx) => {
      const decided = await this.record(trx, caller, request.id, 'canceled', reason);
      await audit(trx, decided);
      return decided;
    });
  }

  /** A target's requests (an application's, a group's), for those who decide them. */
  async listForTarget(
    ctx: OperationContext,
    loadTarget: () => Promise<{ id: string; facts: TargetFacts }>,
    q: ODataQuery,
  ): Promise<Page<R>> {
    if (ctx.caller.kind !== 'user') await this.deps.access.require(ctx, this.kind.decideAction);
    const target = await loadTarget();
    await this.deps.access.require(ctx, this.kind.decideAction, target.facts);
    return this.kind.store.list(this.deps.db, ctx.caller.tenantId, { targetId: target.id }, q);
  }
}

/**
 * What both request services offer alike over their workflow: one request for those who see it,
 * the signed-in user's own requests, the pending ones waiting for their decision, and the
 * requester's cancellation (audited as each kind audits it).
 */
/** What a request's audit records name: its requester, justification and decision's reason. */
interface AuditedRequest extends RequestRecord {
  requesterDisplayName: string;
  requesterUserPrincipalName: string | null;
  justification: string | null;
  decisionReason: string | null;
}

export abstract class RequestService<R extends AuditedRequest, D extends RequestServiceDeps> {
  protected readonly flow: RequestWorkflow<R>;

  constructor(
    protected readonly deps: D,
    private readonly kind: RequestKind<R>,
  ) {
    this.flow = new RequestWorkflow(deps, kind);
  }

  protected now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** The targets (applications, groups) whose pending requests `userId` decides. */
  protected abstract decidedTargetIds(tenantId: string, userId: string): Promise<string[]>;

  /** The audit record of a cancellation. */
  protected abstract auditCancel(trx: Executor, ctx: OperationContext, decided: R): Promise<unknown>;

  /**
   * An audit record of a request ("Update" in the kind's category, by its service): the requested
   * `target` and the requester; the request's id, its justification (with `justification: 'always'`
   * also when empty) and the decision's reason.
   */
  protected auditRequest(
    trx: Executor,
    ctx: OperationContext,
    a: { activity: string; category: string; service: string; target: TargetResource; justification?: 'always' },
    r: R,
    extra: Partial<AuditEntry>,
  ) {
    const justified = a.justification === 'always' || r.justification;
    return this.deps.audit.record(trx, ctx, {
      activityDisplayName: a.activity,
      category: a.category,
      loggedByService: a.service,
      operationType: 'Update',
      targetResources: [
        a.target,
        userTarget({ id: r.requesterId, displayName: r.requesterDisplayName, userPrincipalName: r.requesterUserPrincipalName }),
      ],
      additionalDetails: [
        { key: 'RequestId', value: r.id },
        ...(justified ? [{ key: 'Justification', value: r.justification as string }] : []),
        ...(r.decisionReason ? [{ key: 'Reason', value: r.decisionReason }] : []),
      ],
      ...extra,
    });
  }

  /**
   * Mails a new request to those who decide it (`deciderIds`, those with an address), in `trx`:
   * `render` writes the mail from who asks, in which organization. Returns how many were queued.
   */
  protected async notifyDeciders(
    trx: Executor,
    tenant: { id: string; initialDomain: string; displayName: string },
    outboxKind: string,
    deciderIds: readonly string[],
    request: R,
    requester: User,
    render: (asked: Omit<AskedOf, 'reviewUrl'>) => RenderedMail,
  ): Promise<number> {
    const deciders = await this.deps.users.findUsersByIds(tenant.id, deciderIds, trx);
    const mail = render({
      organizationName: tenant.displayName,
      requesterName: requester.displayName,
      requesterLogin: requester.mail ?? requester.userPrincipalName,
    });
    return enqueueRequestMail(this.deps, trx, tenant, outboxKind, deciders, mail, { 'X-Portico-Request-Id': request.id });
  }

  /** The target (application, group) whose requests are listed, with the facts its deciders are checked against. */
  protected abstract loadTarget(ctx: OperationContext, key: string): Promise<{ id: string; facts: TargetFacts }>;

  /** What a refusal by `decider` records: the requester's mail and the audit record. */
  protected abstract refusal(
    ctx: OperationContext,
    request: R,
    decider: UserCaller,
    reason: string,
  ): Promise<{ mail: RenderedMail; audit: (trx: Executor, decided: R) => Promise<unknown> }>;

  /** The status of a refused request (`denied`, `rejected`). */
  protected abstract readonly refusedStatus: string;

  /** POST /{requests}/{id}/deny (or reject): with a reason, in one transaction with its audit record and the mail to the requester. */
  async refuse(ctx: OperationContext, id: string, reason: string): Promise<R> {
    const { request, decider } = await this.flow.loadForDecision(ctx, id);
    const { mail, audit } = await this.refusal(ctx, request, decider, reason);
    return this.flow.refuse(request, decider, this.refusedStatus, reason, audit, mail);
  }

  /** GET {target}/{requests} (an application's, a group's): for those who decide them. */
  listForTarget(ctx: OperationContext, key: string, q: ODataQuery): Promise<Page<R>> {
    return this.flow.listForTarget(ctx, () => this.loadTarget(ctx, key), q);
  }

  /** GET /{requests}/{id}: its requester and those who decide it see a request. */
  async getRequest(ctx: OperationContext, id: string): Promise<R> {
    return (await this.flow.loadVisible(ctx, id)).request;
  }

  /** POST /{requests}/{id}/cancel: the requester withdraws a pending request. */
  cancel(ctx: OperationContext, id: string, reason: string | null): Promise<R> {
    return this.flow.cancel(ctx, id, reason, (trx, decided) => this.auditCancel(trx, ctx, decided));
  }

  /** GET /me/{requests}: the signed-in user's requests, newest first. */
  listMine(ctx: OperationContext, userId: string, q: ODataQuery): Promise<Page<R>> {
    return this.kind.store.list(this.deps.db, ctx.caller.tenantId, { requesterId: userId }, q);
  }

  /** GET /me/pendingApprovals/{requests}: pending requests to the targets the user decides for, but their own. */
  async listToDecide(ctx: OperationContext, userId: string, q: ODataQuery): Promise<Page<R>> {
    const tenantId = ctx.caller.tenantId;
    const pendingFor = await this.decidedTargetIds(tenantId, userId);
    return this.kind.store.list(this.deps.db, tenantId, { pendingFor, exceptRequesterId: userId }, q);
  }
}
