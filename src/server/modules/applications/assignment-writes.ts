import {
  type AppRole,
  type AppRoleAssignment,
  DEFAULT_APP_ROLE_ID,
  type PrincipalType,
  type ServicePrincipal,
} from '../../../contracts/applications.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { GRAPH_APP_ID } from '../../domain/graph-permissions.js';
import type { IdGenerator } from '../../domain/ids.js';
import { type AuditService, type ModifiedProperty, type TargetResource, userTarget } from '../audit/audit.service.js';
import { groupTarget } from '../groups/group-rules.js';
import { spProps, spTarget } from './application-rules.js';
import { assignmentExists, deleteAssignment, insertAssignment } from './applications.repository.js';
import type { ResolvedPrincipal } from './applications.service.js';

/**
 * Writing app role assignments inside a caller's transaction, with Entra's audit records: shared
 * by the assignment endpoints (AppRoleAssignmentsService) and the self-service group of an
 * application (ApplicationsService), which assigns that group when it is chosen.
 */

export interface AssignmentWriteDeps {
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
}

export type AuditedPrincipal = ResolvedPrincipal | { type: PrincipalType; id: string };

/** Entra's audit record for an assignment of a user or a group (entra-behaviour.md §9.2). */
function assignmentAudit(
  kind: 'add' | 'remove',
  sp: ServicePrincipal,
  principal: AuditedPrincipal,
  role: AppRole | undefined,
  a: AppRoleAssignment,
) {
  const props: ModifiedProperty[] = [
    { displayName: 'AppRole.Id', oldValue: null, newValue: JSON.stringify(a.appRoleId) },
    { displayName: 'AppRole.Value', oldValue: null, newValue: JSON.stringify(role?.value ?? null) },
    { displayName: 'AppRole.DisplayName', oldValue: null, newValue: JSON.stringify(role?.displayName ?? 'Default Access') },
    { displayName: 'AppRoleAssignment.CreatedDateTime', oldValue: null, newValue: JSON.stringify(a.createdDateTime) },
    ...spProps(sp),
  ];
  const principalTarget: TargetResource =
    'user' in principal
      ? userTarget(principal.user, props)
      : 'group' in principal
        ? groupTarget(principal.group, props)
        : 'sp' in principal
          ? spTarget(principal.sp, props)
          : { id: principal.id, displayName: a.principalDisplayName, type: principal.type, modifiedProperties: props };
  const activity = {
    User: { add: 'Add app role assignment grant to user', remove: 'Remove app role assignment from user' },
    Group: { add: 'Add app role assignment to group', remove: 'Remove app role assignment from group' },
    ServicePrincipal: {
      add: 'Add app role assignment to service principal',
      remove: 'Remove app role assignment from service principal',
    },
  }[principal.type];
  const category = { User: 'UserManagement', Group: 'GroupManagement', ServicePrincipal: 'ApplicationManagement' } as const;
  return {
    activityDisplayName: activity[kind],
    // Entra files these under the principal's category (entra-behaviour.md §9.2).
    category: category[principal.type],
    operationType: kind === 'add' ? ('Assign' as const) : ('Unassign' as const),
    targetResources: [principalTarget, spTarget(sp)],
  };
}

/**
 * The role `appRoleId` names: default access (not on Microsoft Graph, whose roles are its
 * application permissions), or an enabled role of the app that the principal's kind can hold
 * (`User` roles for users and groups, `Application` roles for service principals).
 */
export function assignableRole(sp: ServicePrincipal, appRoleId: string, principalType: PrincipalType): AppRole | undefined {
  const memberType = principalType === 'ServicePrincipal' ? 'Application' : 'User';
  const role = sp.appRoles.find((r) => r.id.toLowerCase() === appRoleId.toLowerCase());
  const defaultAccess = appRoleId === DEFAULT_APP_ROLE_ID && sp.appId !== GRAPH_APP_ID;
  if (!defaultAccess && (!role || !role.isEnabled || !role.allowedMemberTypes.includes(memberType))) {
    const who = principalType === 'ServicePrincipal' ? 'applications' : 'users and groups';
    throw invalid(
      'app_role_not_found',
      `Permission being assigned was not found on application '${sp.appId}': appRoleId '${appRoleId}' is not an enabled app role of ${sp.displayName} that ${who} can be assigned to.`,
      'appRoleId',
    );
  }
  return role;
}

const principalIdentity = (p: ResolvedPrincipal): { id: string; displayName: string } =>
  p.type === 'User' ? p.user : p.type === 'Group' ? p.group : p.sp;

/**
 * Assigns `principal` to the application with `appRoleId` inside `trx`, with its audit record.
 * The caller has authorized and locked the application. 400 when the assignment exists.
 */
export async function insertAssignmentIn(
  deps: AssignmentWriteDeps,
  trx: Executor,
  ctx: OperationContext,
  sp: ServicePrincipal,
  principal: ResolvedPrincipal,
  appRoleId: string,
): Promise<AppRoleAssignment> {
  const role = assignableRole(sp, appRoleId, principal.type);
  const a: AppRoleAssignment = {
    id: deps.newId(),
    appRoleId: role?.id ?? appRoleId,
    createdDateTime: deps.clock.now().toISOString(),
    deletedDateTime: null,
    principalDisplayName: principalIdentity(principal).displayName,
    principalId: principalIdentity(principal).id,
    principalType: principal.type,
    resourceDisplayName: sp.displayName,
    resourceId: sp.id,
  };
  const exists = () => new DomainError('app_role_assignment_exists');
  if (await assignmentExists(trx, sp.id, a.principalId, a.appRoleId)) throw exists();
  try {
    await insertAssignment(trx, {
      id: a.id,
      tenant_id: ctx.caller.tenantId,
      resource_id: sp.id,
      principal_id: a.principalId,
      principal_type: a.principalType,
      app_role_id: a.appRoleId,
      created_date_time: a.createdDateTime,
    });
  } catch (err) {
    throw asUniqueViolation(err) ? exists() : err;
  }
  await deps.audit.record(trx, ctx, assignmentAudit('add', sp, principal, role, a));
  return a;
}

/** Removes an assignment of the application inside `trx`, with its audit record; 404 when it is gone. */
export async function removeAssignmentIn(
  deps: AssignmentWriteDeps,
  trx: Executor,
  ctx: OperationContext,
  sp: ServicePrincipal,
  a: AppRoleAssignment,
  principal: AuditedPrincipal,
): Promise<void> {
  if (!(await deleteAssignment(trx, ctx.caller.tenantId, sp.id, a.id))) throw notFound(a.id);
  const role = sp.appRoles.find((r) => r.id === a.appRoleId);
  await deps.audit.record(trx, ctx, assignmentAudit('remove', sp, principal, role, a));
}
