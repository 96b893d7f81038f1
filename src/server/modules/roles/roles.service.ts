import type { UnifiedRoleDefinition } from '../../../contracts/roles.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import { authorize } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { badRequest, DomainError, denied, notFound } from '../../domain/errors.js';
import type { IdGenerator } from '../../domain/ids.js';
import { findRoleDefinition, type RoleDefinition, RoleIds, roleDefinitions } from '../../domain/roles.js';
import type { ODataQuery } from '../../http/odata/query.js';
import { type AuditService, userTarget } from '../audit/audit.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { UsersService } from '../users/users.service.js';
import { queryRoleDefinitions } from './roles.query.js';
import {
  deleteRoleAssignmentsOfPrincipal,
  findRoleAssignment,
  insertRoleAssignment,
  listRoleAssignments,
  listRoleIdsForPrincipal,
  type RoleAssignment,
} from './roles.repository.js';

export type { RoleAssignment } from './roles.repository.js';

/** Graph shape of a built-in role (the internal `isPrivileged` flag is not part of it). */
export const toUnifiedRoleDefinition = (d: RoleDefinition): UnifiedRoleDefinition => ({
  id: d.id,
  templateId: d.templateId,
  displayName: d.displayName,
  description: d.description,
  isBuiltIn: d.isBuiltIn,
  isEnabled: d.isEnabled,
  resourceScopes: ['/'],
  rolePermissions: [],
  version: '1',
});

export interface RolesDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  policies: PoliciesService;
  users: UsersService;
}

/**
 * Counts the tenant's Global Administrators after taking the tenant row lock, so two concurrent
 * removals (of assignments or of users) cannot both see two holders and leave none. The lock is a
 * no-op update on PostgreSQL's row; SQLite's writers are serialised already.
 */
export async function lockAndCountGlobalAdmins(trx: Executor, tenantId: string): Promise<number> {
  await trx
    .updateTable('tenants')
    .set((eb) => ({ display_name: eb.ref('display_name') }))
    .where('id', '=', tenantId)
    .execute();
  const n = await trx
    .selectFrom('role_assignments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('role_definition_id', '=', RoleIds.globalAdministrator)
    .executeTakeFirstOrThrow();
  return Number(n.n);
}

export function createRolesService(deps: RolesDeps) {
  async function check(ctx: OperationContext, action: 'role.read' | 'role.assign') {
    const decision = authorize(ctx.caller, action, await deps.policies.policyFacts(ctx.caller.tenantId));
    if (!decision.allowed) throw denied(decision.reason);
  }

  const service = {
    /** Role template ids held by a principal (internal; used by authentication). */
    roleIdsOf: (tenantId: string, principalId: string, db: Executor = deps.db) =>
      listRoleIdsForPrincipal(db, tenantId, principalId),

    /** GET roleDefinitions: the built-in roles, filtered, ordered and paged in memory. */
    async listRoleDefinitions(ctx: OperationContext, q: ODataQuery) {
      await check(ctx, 'role.read');
      return queryRoleDefinitions(roleDefinitions.map(toUnifiedRoleDefinition), q);
    },

    async getRoleDefinition(ctx: OperationContext, id: string): Promise<UnifiedRoleDefinition> {
      await check(ctx, 'role.read');
      const def = findRoleDefinition(id);
      if (!def) throw notFound(id);
      return toUnifiedRoleDefinition(def);
    },

    /** GET roleAssignments with `$filter` (principalId, roleDefinitionId, …), keyset-paged by id. */
    async listRoleAssignments(ctx: OperationContext, q: ODataQuery) {
      await check(ctx, 'role.read');
      return listRoleAssignments(deps.db, ctx.caller.tenantId, q);
    },

    async getRoleAssignment(ctx: OperationContext, id: string): Promise<RoleAssignment> {
      await check(ctx, 'role.read');
      const r = await findRoleAssignment(deps.db, ctx.caller.tenantId, id);
      if (!r) throw notFound(id);
      return r;
    },

    /** POST roleAssignments: one transaction with "Add member to role". */
    async assignRole(
      ctx: OperationContext,
      input: { principalId: string; roleDefinitionId: string; directoryScopeId?: string },
    ): Promise<RoleAssignment> {
      await check(ctx, 'role.assign');
      const tenantId = ctx.caller.tenantId;
      const def = findRoleDefinition(input.roleDefinitionId);
      if (!def) throw badRequest(`Unknown roleDefinitionId '${input.roleDefinitionId}'.`, 'roleDefinitionId');
      if ((input.directoryScopeId ?? '/') !== '/') {
        throw badRequest("Only the directory-wide scope '/' is supported.", 'directoryScopeId');
      }
      const user = await deps.users.findUser(tenantId, input.principalId.toLowerCase());
      if (!user) throw notFound(input.principalId);
      const assignment: RoleAssignment = {
        id: deps.newId(),
        principalId: user.id,
        roleDefinitionId: def.id,
        directoryScopeId: '/',
        createdDateTime: deps.clock.now().toISOString(),
      };
      try {
        await deps.db.transaction().execute(async (trx) => {
          await insertRoleAssignment(trx, tenantId, assignment);
          await deps.audit.record(trx, ctx, {
            activityDisplayName: 'Add member to role',
            category: 'RoleManagement',
            operationType: 'Assign',
            targetResources: [
              userTarget(user),
              { id: def.id, displayName: def.displayName, type: 'Role', modifiedProperties: [] },
            ],
          });
        });
      } catch (err) {
        if (asUniqueViolation(err))
          throw new DomainError('role_assignment_exists', `${user.displayName} already holds the ${def.displayName} role.`);
        throw err;
      }
      return assignment;
    },

    /** DELETE roleAssignments/{id}: one transaction with "Remove member from role". Keeps one Global Administrator. */
    async removeRoleAssignment(ctx: OperationContext, id: string): Promise<void> {
      await check(ctx, 'role.assign');
      const tenantId = ctx.caller.tenantId;
      await deps.db.transaction().execute(async (trx) => {
        const found = await findRoleAssignment(trx, tenantId, id);
        if (!found) throw notFound(id);
        const r = { id: found.id, principal_id: found.principalId, role_definition_id: found.roleDefinitionId };
        if (r.role_definition_id === RoleIds.globalAdministrator) {
          const n = { n: await lockAndCountGlobalAdmins(trx, tenantId) };
          if (Number(n.n) <= 1) throw badRequest('The last Global Administrator of the organization cannot be removed.');
        }
        const deleted = await trx
          .deleteFrom('role_assignments')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', r.id)
          .executeTakeFirst();
        // A concurrent request removed it between our read and delete.
        if (Number(deleted.numDeletedRows) === 0) throw notFound(id);
        const user = await deps.users.findUser(tenantId, r.principal_id, trx);
        const def = findRoleDefinition(r.role_definition_id);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Remove member from role',
          category: 'RoleManagement',
          operationType: 'Unassign',
          targetResources: [
            userTarget({
              id: r.principal_id,
              displayName: user?.displayName ?? null,
              userPrincipalName: user?.userPrincipalName ?? null,
            }),
            { id: r.role_definition_id, displayName: def?.displayName ?? null, type: 'Role', modifiedProperties: [] },
          ],
        });
      });
    },

    lockAndCountGlobalAdmins,

    /** Internal: drops a principal's assignments (used when the principal is deleted). */
    removeAllOf: (trx: Executor, tenantId: string, principalId: string) =>
      deleteRoleAssignmentsOfPrincipal(trx, tenantId, principalId),
  };
  return service;
}

export type RolesService = ReturnType<typeof createRolesService>;
