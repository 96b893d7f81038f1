import type {
  AppRoleAssignment,
  AppRoleAssignmentBody,
  PrincipalType,
  ServicePrincipal,
} from '../../../contracts/applications.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { invalid, notFound } from '../../domain/errors.js';
import { MAX_EXPANDED_ITEMS, type ODataQuery } from '../../odata/query.js';
import type { UseCaseDeps } from '../audit/audit.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { UsersService } from '../users/users.service.js';
import { appRoleAssignmentsResource } from './applications.query.js';
import {
  type AssignmentScope,
  assignmentsPerPrincipal,
  findAssignment,
  findServicePrincipal,
  listAssignments,
  lockServicePrincipal,
} from './applications.repository.js';
import type { ApplicationsService } from './applications.service.js';
import { type AuditedPrincipal, assignableRole, insertAssignmentIn, removeAssignmentIn } from './assignment-writes.js';
import { ServicePrincipalLoader } from './service-principal-loader.js';

export interface AppRoleAssignmentsDeps extends UseCaseDeps {
  users: Pick<UsersService, 'findUser' | 'getUser'>;
  groups: Pick<GroupsService, 'findGroup' | 'getGroup'>;
  applications: Pick<ApplicationsService, 'resolvePrincipal'>;
  loader: ServicePrincipalLoader;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

/** Where an assignment request names its target: the resource in the URL, or the principal. */
type AssignVia = { resourceKey: string } | { principalType: PrincipalType; principalKey: string };

/**
 * Who is assigned to which application (app role assignments of users and groups): Application,
 * Cloud Application and User Administrators and the app's owners assign; everyone reads their own.
 * Applications (service principals) hold app roles too: Microsoft Graph's are application
 * permissions, granted by Global and Privileged Role Administrators only (`appPermission.grant`).
 */
export class AppRoleAssignmentsService {
  constructor(private readonly deps: AppRoleAssignmentsDeps) {}

  /**
   * Loads the resource application of an assignment and authorizes assigning its roles: users and
   * groups to an application (`application.assign`), applications to Microsoft Graph's app roles
   * (`appPermission.grant`, Entra's admin consent to application permissions).
   */
  private async loadResource(ctx: OperationContext, key: string): Promise<ServicePrincipal> {
    const { sp, facts } = await this.deps.loader.load(ctx, key);
    await this.deps.access.require(ctx, ServicePrincipalLoader.assignAction(sp), facts);
    return sp;
  }

  /** The application of an assignment request, authorized, with the principal in the URL checked against the body. */
  private async resolveTarget(ctx: OperationContext, body: AppRoleAssignmentBody, via: AssignVia): Promise<ServicePrincipal> {
    if ('resourceKey' in via) {
      const sp = await this.loadResource(ctx, via.resourceKey);
      if (body.resourceId.toLowerCase() !== sp.id) {
        throw invalid(
          'app_role_assignment_mismatch',
          `resourceId '${body.resourceId}' does not match the service principal in the URL ('${sp.id}').`,
          'resourceId',
        );
      }
      return sp;
    }
    // The principal in the URL must exist and be readable, and be the one in the body.
    const inUrl =
      via.principalType === 'User'
        ? await this.deps.users.getUser(ctx, via.principalKey)
        : via.principalType === 'Group'
          ? await this.deps.groups.getGroup(ctx, via.principalKey)
          : (await this.deps.loader.load(ctx, via.principalKey)).sp;
    if (inUrl.id !== body.principalId.toLowerCase()) {
      const kind = via.principalType === 'ServicePrincipal' ? 'service principal' : via.principalType.toLowerCase();
      throw invalid(
        'app_role_assignment_mismatch',
        `principalId '${body.principalId}' does not match the ${kind} in the URL ('${inUrl.id}').`,
        'principalId',
      );
    }
    return this.loadResource(ctx, body.resourceId);
  }

  /** Creates an assignment after authorization; shared by the POST endpoints. */
  private async assign(ctx: OperationContext, body: AppRoleAssignmentBody, via: AssignVia): Promise<AppRoleAssignment> {
    const tenantId = ctx.caller.tenantId;
    const sp = await this.resolveTarget(ctx, body, via);
    const principal = await this.deps.applications.resolvePrincipal(tenantId, body.principalId.toLowerCase());
    assignableRole(sp, body.appRoleId, principal.type);
    return this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(sp.id);
      return insertAssignmentIn(this.deps, trx, ctx, sp, principal, body.appRoleId);
    });
  }

  /** GET /servicePrincipals/{id}/appRoleAssignedTo: who is assigned to the application. */
  async listAppRoleAssignedTo(ctx: OperationContext, key: string, q: ODataQuery): Promise<Page<AppRoleAssignment>> {
    const { sp } = await this.deps.loader.load(ctx, key);
    return listAssignments(this.deps.db, ctx.caller.tenantId, { resourceId: sp.id }, q);
  }

  /**
   * POST /servicePrincipals/{id}/appRoleAssignedTo, /users/{id}/appRoleAssignments,
   * /groups/{id}/appRoleAssignments: one transaction with the Entra audit record for a user or a group.
   */
  assignToServicePrincipal(ctx: OperationContext, key: string, body: AppRoleAssignmentBody): Promise<AppRoleAssignment> {
    return this.assign(ctx, body, { resourceKey: key });
  }
  assignToUser(ctx: OperationContext, userKey: string, body: AppRoleAssignmentBody): Promise<AppRoleAssignment> {
    return this.assign(ctx, body, { principalType: 'User', principalKey: userKey });
  }
  assignToGroup(ctx: OperationContext, groupId: string, body: AppRoleAssignmentBody): Promise<AppRoleAssignment> {
    return this.assign(ctx, body, { principalType: 'Group', principalKey: groupId });
  }

  /** DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}. */
  async removeAssignment(ctx: OperationContext, key: string, assignmentId: string): Promise<void> {
    const sp = await this.loadResource(ctx, key);
    await this.removeIn(ctx, sp, assignmentId, (a) => a.resourceId === sp.id);
  }

  /**
   * DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}: an assignment the application
   * holds (an application permission), authorized on its resource as when it was granted.
   */
  async removeServicePrincipalAssignment(ctx: OperationContext, key: string, assignmentId: string): Promise<void> {
    const { sp: principal } = await this.deps.loader.load(ctx, key);
    const a = await findAssignment(this.deps.db, ctx.caller.tenantId, assignmentId);
    if (!a || a.principalId !== principal.id) {
      await this.deps.access.require(ctx, 'application.assign');
      throw notFound(assignmentId);
    }
    const resource = await this.loadResource(ctx, a.resourceId);
    await this.removeIn(ctx, resource, assignmentId, (x) => x.principalId === principal.id);
  }

  /** Removes an assignment of `sp` (that `belongs` accepts) in one transaction with its audit record. */
  private async removeIn(
    ctx: OperationContext,
    sp: ServicePrincipal,
    assignmentId: string,
    belongs: (a: AppRoleAssignment) => boolean,
  ): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(sp.id);
      const a = await findAssignment(trx, tenantId, assignmentId);
      if (!a || a.resourceId !== sp.id || !belongs(a)) throw notFound(assignmentId);
      await removeAssignmentIn(this.deps, trx, ctx, sp, a, await this.auditedPrincipal(trx, tenantId, a));
    });
  }

  /** The principal of an assignment as its audit record names it (it may be gone already). */
  private async auditedPrincipal(trx: Executor, tenantId: string, a: AppRoleAssignment): Promise<AuditedPrincipal> {
    if (a.principalType === 'User') {
      const user = await this.deps.users.findUser(tenantId, a.principalId, trx);
      if (user) return { type: 'User', user };
    } else if (a.principalType === 'Group') {
      const group = await this.deps.groups.findGroup(tenantId, a.principalId, trx);
      if (group) return { type: 'Group', group };
    } else {
      const sp = await findServicePrincipal(trx, tenantId, a.principalId);
      if (sp) return { type: 'ServicePrincipal', sp };
    }
    return { type: a.principalType, id: a.principalId };
  }

  /**
   * POST /servicePrincipals/{id}/appRoleAssignments: grants the application an app role of another
   * application, typically one of Microsoft Graph's application permissions (admin consent).
   */
  grantAppRole(ctx: OperationContext, key: string, body: AppRoleAssignmentBody): Promise<AppRoleAssignment> {
    return this.assign(ctx, body, { principalType: 'ServicePrincipal', principalKey: key });
  }

  /** GET /servicePrincipals/{id}/appRoleAssignments: the app roles the application holds (its application permissions). */
  async listServicePrincipalAssignments(ctx: OperationContext, key: string, q: ODataQuery): Promise<Page<AppRoleAssignment>> {
    const { sp } = await this.deps.loader.load(ctx, key);
    return listAssignments(this.deps.db, ctx.caller.tenantId, { principalId: sp.id }, q);
  }

  /** GET /users/{id}/appRoleAssignments and /me/appRoleAssignments: anyone reads their own. */
  async listUserAssignments(ctx: OperationContext, userKey: string, q: ODataQuery): Promise<Page<AppRoleAssignment>> {
    const user = await this.deps.users.getUser(ctx, userKey);
    const self = ctx.caller.kind === 'user' && ctx.caller.userId === user.id;
    if (!self) await this.deps.access.require(ctx, 'application.list');
    return listAssignments(this.deps.db, ctx.caller.tenantId, { principalId: user.id }, q);
  }

  /** `$expand=appRoleAssignments` on users and groups: the spec of a nested `$select` and the batch loader. */
  readonly assignmentsExpansion = {
    spec: appRoleAssignmentsResource,
    load: (ctx: OperationContext, parents: readonly object[]) =>
      this.expandAssignments(
        ctx,
        parents.map((p) => (p as { id: string }).id),
      ),
  };

  /**
   * `$expand=appRoleAssignments` on users or groups: up to 20 each, for the whole page in one query.
   * Anyone reads their own; others need the right to list applications (as the collection routes).
   */
  async expandAssignments(ctx: OperationContext, principalIds: readonly string[]): Promise<Map<string, AppRoleAssignment[]>> {
    const c = ctx.caller;
    if (!(c.kind === 'user' && principalIds.every((id) => id === c.userId)))
      await this.deps.access.require(ctx, 'application.list');
    const out = new Map<string, AppRoleAssignment[]>();
    for (const a of await assignmentsPerPrincipal(this.deps.db, c.tenantId, principalIds, MAX_EXPANDED_ITEMS)) {
      out.set(a.principalId, [...(out.get(a.principalId) ?? []), a]);
    }
    return out;
  }

  /** GET /groups/{id}/appRoleAssignments. */
  async listGroupAssignments(ctx: OperationContext, groupId: string, q: ODataQuery): Promise<Page<AppRoleAssignment>> {
    const group = await this.deps.groups.getGroup(ctx, groupId);
    await this.deps.access.require(ctx, 'application.list');
    return listAssignments(this.deps.db, ctx.caller.tenantId, { principalId: group.id } satisfies AssignmentScope, q);
  }
}
