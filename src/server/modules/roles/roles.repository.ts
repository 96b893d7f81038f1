import type { Executor } from '../../db/index.js';
import type { RoleAssignmentsTable } from '../../db/types.js';

export interface RoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  createdDateTime: string;
}

export const toRoleAssignment = (r: RoleAssignmentsTable): RoleAssignment => ({
  id: r.id,
  principalId: r.principal_id,
  roleDefinitionId: r.role_definition_id,
  directoryScopeId: r.directory_scope_id,
  createdDateTime: r.created_date_time,
});

/** Role template ids the principal holds at directory scope "/". */
export async function listRoleIdsForPrincipal(db: Executor, tenantId: string, principalId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_assignments')
    .select('role_definition_id')
    .where('tenant_id', '=', tenantId)
    .where('principal_id', '=', principalId)
    .where('directory_scope_id', '=', '/')
    .execute();
  return rows.map((r) => r.role_definition_id);
}

export async function insertRoleAssignment(db: Executor, tenantId: string, a: RoleAssignment): Promise<void> {
  await db
    .insertInto('role_assignments')
    .values({
      id: a.id,
      tenant_id: tenantId,
      principal_id: a.principalId,
      role_definition_id: a.roleDefinitionId,
      directory_scope_id: a.directoryScopeId,
      created_date_time: a.createdDateTime,
    })
    .execute();
}

export async function deleteRoleAssignmentsOfPrincipal(db: Executor, tenantId: string, principalId: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('tenant_id', '=', tenantId).where('principal_id', '=', principalId).execute();
}
