import type { Executor } from '../../db/index.js';
import { asUniqueViolation } from '../../db/errors.js';
import { authorize } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { badRequest, DomainError, denied, notFound } from '../../domain/errors.js';
import type { IdGenerator } from '../../domain/ids.js';
import { findRoleDefinition, type RoleDefinition, RoleIds, roleDefinitions } from '../../domain/roles.js';
import type { AuditService } from '../audit/audit.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  deleteRoleAssignmentsOfPrincipal,
  insertRoleAssignment,
  listRoleIdsForPrincipal,
  type RoleAssignment,
  toRoleAssignment,
} from './roles.repository.js';

export type { RoleAssignment } from './roles.repository.js';

export interface RolesDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  policies: PoliciesService;
  users: UsersService;
}

export function createRolesService(deps: RolesDeps) {
  async function check(ctx: OperationContext, action: 'role.read' | 'role.assign') {
    const decision = authorize(ctx.caller, action, await deps.policies.policyFacts(ctx.caller.tenantId));
    if (!decision.allowed) throw denied(decision.reason);
  }

  const service = {
    /** Role template ids held by a principal (internal; used by authentication). */
    roleIdsOf: (tenantId: string, principalId: string, db: Executor = deps.db) => listRoleIdsForPrincipal(db, tenantId, principalId),

    async listRoleDefinitions(ctx: OperationContext): Promise<readonly RoleDefinition[]> {
      await check(ctx, 'role.read');
      return roleDefinitions;
    },

    async getRoleDefinition(ctx: OperationContext, id: string): Promise<RoleDefinition> {
      await check(ctx, 'role.read');
      const def = findRoleDefinition(id);
      if (!def) throw notFound(id);
      return def;
    },

    /** Lists assignments, optionally filtered by principal or role definition. */
    async listRoleAssignments(
      ctx: OperationContext,
      filter: { principalId?: string; roleDefinitionId?: string } = {},
    ): Promise<RoleAssignment[]> {
      await check(ctx, 'role.read');
      let q = deps.db.selectFrom('role_assignments').selectAll().where('tenant_id', '=', ctx.caller.tenantId);
      if (filter.principalId) q = q.where('principal_id', '=', filter.principalId.toLowerCase());
      if (filter.roleDefinitionId) q = q.where('role_definition_id', '=', filter.roleDefinitionId.toLowerCase());
      const rows = await q.orderBy('created_date_time').orderBy('id').execute();
      return rows.map(toRoleAssignment);
    },

    async getRoleAssignment(ctx: OperationContext, id: string): Promise<RoleAssignment> {
      await check(ctx, 'role.read');
      const r = await deps.db
        .selectFrom('role_assignments')
        .selectAll()
        .where('tenant_id', '=', ctx.caller.tenantId)
        .where('id', '=', id.toLowerCase())
        .executeTakeFirst();
      if (!r) throw notFound(id);
      return toRoleAssignment(r);
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
              { id: user.id, displayName: user.displayName, type: 'User', userPrincipalName: user.userPrincipalName, modifiedProperties: [] },
              { id: def.id, displayName: def.displayName, type: 'Role', modifiedProperties: [] },
            ],
          });
        });
      } catch (err) {
        if (asUniqueViolation(err)) throw new DomainError('role_assignment_exists', `${user.displayName} already holds the ${def.displayName} role.`);
        throw err;
      }
      return assignment;
    },

    /** DELETE roleAssignments/{id}: one transaction with "Remove member from role". Keeps one Global Administrator. */
    async removeRoleAssignment(ctx: OperationContext, id: string): Promise<void> {
      await check(ctx, 'role.assign');
      const tenantId = ctx.caller.tenantId;
      await deps.db.transaction().execute(async (trx) => {
        const r = await trx
          .selectFrom('role_assignments')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id.toLowerCase())
          .executeTakeFirst();
        if (!r) throw notFound(id);
        if (r.role_definition_id === RoleIds.globalAdministrator) {
          const n = await trx
            .selectFrom('role_assignments')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('tenant_id', '=', tenantId)
            .where('role_definition_id', '=', RoleIds.globalAdministrator)
            .executeTakeFirstOrThrow();
          if (Number(n.n) <= 1) throw badRequest('The last Global Administrator of the organization cannot be removed.');
        }
        await trx.deleteFrom('role_assignments').where('id', '=', r.id).execute();
        const user = await deps.users.findUser(tenantId, r.principal_id, trx);
        const def = findRoleDefinition(r.role_definition_id);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Remove member from role',
          category: 'RoleManagement',
          operationType: 'Unassign',
          targetResources: [
            { id: r.principal_id, displayName: user?.displayName ?? null, type: 'User', userPrincipalName: user?.userPrincipalName ?? null, modifiedProperties: [] },
            { id: r.role_definition_id, displayName: def?.displayName ?? null, type: 'Role', modifiedProperties: [] },
          ],
        });
      });
    },

    /** Internal: drops a principal's assignments (used when the principal is deleted). */
    removeAllOf: (trx: Executor, tenantId: string, principalId: string) => deleteRoleAssignmentsOfPrincipal(trx, tenantId, principalId),
  };
  return service;
}

export type RolesService = ReturnType<typeof createRolesService>;
