import type { UnifiedRoleDefinition } from '../../../contracts/roles.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError } from '../../domain/errors.js';
import { findRoleDefinition, type RoleDefinition, roleDefinitions } from '../../domain/roles.js';
import type { ODataQuery } from '../../odata/query.js';
import type { Access } from '../access/access.js';
import { queryRoleDefinitions } from './roles.query.js';
import {
  deleteRoleAssignment,
  deleteRoleAssignmentsOfPrincipal,
  findRoleAssignment,
  insertRoleAssignment,
  listPrincipalsWithRole,
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
  access: Access;
}

/**
 * Directory roles: the built-in definitions and who holds them. The reads are use cases; the
 * writes are primitives for the directory module, which resolves the principal (a user) and owns
 * the "Add member to role" / "Remove member from role" use cases.
 */
export class RolesService {
  constructor(private readonly deps: RolesDeps) {}

  /** Role template ids held by a principal (internal; used by authentication and target checks). */
  roleIdsOf(tenantId: string, principalId: string, db: Executor = this.deps.db): Promise<string[]> {
    return listRoleIdsForPrincipal(db, tenantId, principalId);
  }

  /** GET roleDefinitions: the built-in roles, filtered, ordered and paged in memory. */
  async listRoleDefinitions(ctx: OperationContext, q: ODataQuery) {
    await this.deps.access.require(ctx, 'role.read');
    return queryRoleDefinitions(roleDefinitions.map(toUnifiedRoleDefinition), q);
  }

  async getRoleDefinition(ctx: OperationContext, id: string): Promise<UnifiedRoleDefinition> {
    const def = await this.deps.access.readOne(ctx, 'role.read', id, async () => findRoleDefinition(id));
    return toUnifiedRoleDefinition(def);
  }

  /** GET roleAssignments with `$filter` (principalId, roleDefinitionId, …), keyset-paged by id. */
  async listRoleAssignments(ctx: OperationContext, q: ODataQuery) {
    await this.deps.access.require(ctx, 'role.read');
    return listRoleAssignments(this.deps.db, ctx.caller.tenantId, q);
  }

  getRoleAssignment(ctx: OperationContext, id: string): Promise<RoleAssignment> {
    return this.deps.access.readOne(ctx, 'role.read', id, (tenantId) => findRoleAssignment(this.deps.db, tenantId, id));
  }

  /** Internal lookup (no authorization). */
  findAssignment(tenantId: string, id: string, db: Executor = this.deps.db): Promise<RoleAssignment | undefined> {
    return findRoleAssignment(db, tenantId, id);
  }

  /** Internal, inside the caller's transaction: records an assignment (role_assignment_exists when held). */
  async insertAssignment(trx: Executor, tenantId: string, assignment: RoleAssignment, holder: string, role: string) {
    try {
      await insertRoleAssignment(trx, tenantId, assignment);
    } catch (err) {
      if (asUniqueViolation(err)) throw new DomainError('role_assignment_exists', `${holder} already holds the ${role} role.`);
      throw err;
    }
  }

  /** Internal, inside the caller's transaction: removes an assignment, or undefined when there is none. */
  deleteAssignment(trx: Executor, tenantId: string, id: string): Promise<RoleAssignment | undefined> {
    return deleteRoleAssignment(trx, tenantId, id);
  }

  /** Internal: the principals holding a role (e.g. the tenant's Global Administrators). */
  holdersOf(tenantId: string, roleDefinitionId: string, db: Executor = this.deps.db): Promise<string[]> {
    return listPrincipalsWithRole(db, tenantId, roleDefinitionId);
  }

  /** Internal: drops a principal's assignments (used when the principal is deleted). */
  removeAllOf(trx: Executor, tenantId: string, principalId: string): Promise<void> {
    return deleteRoleAssignmentsOfPrincipal(trx, tenantId, principalId);
  }
}
